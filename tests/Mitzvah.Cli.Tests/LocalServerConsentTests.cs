using Mitzvah.Testing.Consent;

namespace Mitzvah.Cli.Tests;

public sealed class LocalServerConsentTests : ConsentHostContract
{
    protected override async Task<IConsentHost> StartHostAsync(HostSettings settings) => await LocalServerHost.StartAsync(settings);
}
