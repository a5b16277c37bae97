using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>One Prism mock of Twilio's API (its own OpenAPI description) for the whole test run.</summary>
public sealed class PrismFixture : IAsyncLifetime
{
    private NodeServer? _server;

    public NodeServer Server => _server ?? throw new InvalidOperationException("Prism has not started.");

    public async Task InitializeAsync() => _server = await StandInServers.StartPrismAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>The tests that share one <see cref="PrismFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPrism : ICollectionFixture<PrismFixture>
{
    public const string Name = "prism";
}
