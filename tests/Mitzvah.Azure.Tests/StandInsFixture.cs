using Azure.Data.Tables;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Azure.Tests;

/// <summary>One Azurite table service and one Prism mock of Twilio for every test of the <see cref="SharedStandIns"/> collection.</summary>
public sealed class StandInsFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private NodeServer? _azurite;
    private NodeServer? _prism;

    public string TablesConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint={Started(_azurite).BaseUrl.ToString().TrimEnd('/')}/devstoreaccount1;";

    public Uri TwilioApiBaseUrl => Started(_prism).BaseUrl;

    /// <summary>A table prefix no other test uses.</summary>
    public static string NewPrefix() => "T" + Guid.NewGuid().ToString("N");

    /// <summary>Drops a test's tables so that a shared Azurite (CI) does not accumulate them.</summary>
    public async Task DeleteTablesAsync(string prefix)
    {
        var client = new TableServiceClient(TablesConnectionString);
        foreach (var suffix in new[] { "Subscribers", "ConsentHistory", "Deliveries" })
        {
            await client.DeleteTableAsync(prefix + suffix);
        }
    }

    public async Task InitializeAsync()
    {
        var azurite = StandInServers.StartAzuriteTablesAsync();
        var prism = StandInServers.StartPrismAsync();
        try
        {
            _azurite = await azurite;
            _prism = await prism;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_prism is not null)
        {
            await _prism.DisposeAsync();
        }
    }

    private static NodeServer Started(NodeServer? server) => server ?? throw new InvalidOperationException("The stand-in servers have not started.");
}

/// <summary>The tests that share one <see cref="StandInsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedStandIns : ICollectionFixture<StandInsFixture>
{
    public const string Name = "Azure stand-ins";
}
