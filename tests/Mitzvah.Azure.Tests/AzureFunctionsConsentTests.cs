using Mitzvah.Testing.Consent;

namespace Mitzvah.Azure.Tests;

[Collection(SharedStandIns.Name)]
public sealed class AzureFunctionsConsentTests(StandInsFixture standIns) : ConsentHostContract
{
    protected override async Task<IConsentHost> StartHostAsync(HostSettings settings) => await AzureFunctionsConsentHost.StartAsync(standIns, settings);
}
