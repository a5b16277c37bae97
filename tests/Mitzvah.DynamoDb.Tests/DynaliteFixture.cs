using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.DynamoDb.Tests;

/// <summary>One dynalite for the test run; each test creates its own tables on it with <see cref="CreateTablesAsync"/>.</summary>
public sealed class DynaliteFixture : IAsyncLifetime
{
    private NodeServer? _server;
    private AmazonDynamoDBClient? _client;

    public NodeServer Server => _server ?? throw new InvalidOperationException("dynalite has not started.");

    /// <summary>A client of the dynalite, safe to share between tests.</summary>
    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("dynalite has not started.");

    public async Task InitializeAsync()
    {
        _server = await StandInServers.StartDynaliteAsync();
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig { ServiceURL = _server.BaseUrl.ToString(), AuthenticationRegion = "us-east-1" });
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Names three tables no other test uses, and creates them.</summary>
    public async Task<DynamoDbOptions> CreateTablesAsync()
    {
        var options = NewTableNames();
        await DynamoDbTables.CreateAsync(Client, options);
        return options;
    }

    /// <summary>Names three tables no other test uses, without creating them.</summary>
    public static DynamoDbOptions NewTableNames()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        return new DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
    }
}
