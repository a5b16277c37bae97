using Azure.Data.Tables;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.TableStorage.Tests;

/// <summary>One Azurite table service for every test of the collection; each test uses its own table prefix.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private NodeServer? _server;

    public Uri BaseUrl => _server?.BaseUrl ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint={BaseUrl.ToString().TrimEnd('/')}/devstoreaccount1;";

    /// <summary>A prefix no other test uses, so tests never share tables.</summary>
    public static string NewPrefix() => "T" + Guid.NewGuid().ToString("N");

    public TableServiceClient CreateServiceClient(TableClientOptions? options = null) =>
        new(ConnectionString, options ?? new TableClientOptions());

    /// <summary>Drops a test's tables so that a shared Azurite (CI) does not accumulate them.</summary>
    public async Task DeleteTablesAsync(string prefix)
    {
        var client = CreateServiceClient();
        foreach (var suffix in new[] { "Subscribers", "ConsentHistory", "Deliveries" })
        {
            await client.DeleteTableAsync(prefix + suffix);
        }
    }

    public async Task InitializeAsync() => _server = await StandInServers.StartAzuriteTablesAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
