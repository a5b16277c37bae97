using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

/// <summary>
/// In the dynalite collection, whose tests run one at a time: the endpoint test changes process-wide environment
/// variables that the AWS SDK reads.
/// </summary>
[Collection(SharedDynalite.Name)]
public sealed class ServiceCollectionExtensionsTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Default_client_uses_the_endpoint_in_AWS_ENDPOINT_URL_DYNAMODB()
    {
        var options = await dynalite.CreateTablesAsync();
        using var environment = new EnvironmentScope(new Dictionary<string, string?>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.Server.BaseUrl.ToString(),
            ["AWS_ENDPOINT_URL"] = null,
            ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = null,
            ["AWS_ACCESS_KEY_ID"] = "x",
            ["AWS_SECRET_ACCESS_KEY"] = "x",
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = "us-east-1",
        });
        await using var provider = new ServiceCollection().AddMitzvahDynamoDb(Configuration(options)).BuildServiceProvider();

        var store = provider.GetRequiredService<ISubscriberStore>();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        Assert.IsType<AmazonDynamoDBClient>(provider.GetRequiredService<IAmazonDynamoDB>());
        var written = await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.SubscribersTable,
            Key = new() { ["phone"] = new AttributeValue { S = TestPhones.Alice } },
            ConsistentRead = true,
        });
        Assert.Equal("opted_in", written.Item["consent_status"].S);
    }

    [Fact]
    public async Task Registers_the_store_the_ledger_and_the_backfill_on_a_client_the_host_provides()
    {
        var options = await dynalite.CreateTablesAsync();
        var services = new ServiceCollection().AddSingleton(dynalite.Client);
        await using var provider = services.AddMitzvahDynamoDb(Configuration(options)).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var store = provider.GetRequiredService<ISubscriberStore>();
        var ledger = provider.GetRequiredService<IDeliveryLedger>();
        var backfill = provider.GetRequiredService<DynamoDbOptedInBackfill>();

        Assert.Equal("dynamodb", store.Kind);
        Assert.IsType<DynamoDbSubscriberStore>(store);
        Assert.IsType<DynamoDbDeliveryLedger>(ledger);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        Assert.NotNull(await ledger.TryClaimAsync(new DateOnly(2025, 3, 2), TestPhones.Alice, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)));
        Assert.Equal(1, (await backfill.RunAsync(options.SubscribersTable)).AlreadyIndexed);
    }

    [Theory]
    [InlineData(DynamoDbSettingNames.SubscribersTable)]
    [InlineData(DynamoDbSettingNames.ConsentHistoryTable)]
    [InlineData(DynamoDbSettingNames.DeliveriesTable)]
    public async Task A_missing_table_name_fails_at_start_naming_its_variable(string missing)
    {
        var settings = new Dictionary<string, string?>
        {
            [DynamoDbSettingNames.SubscribersTable] = "mitzvah-subscribers",
            [DynamoDbSettingNames.ConsentHistoryTable] = "mitzvah-consent-history",
            [DynamoDbSettingNames.DeliveriesTable] = "mitzvah-deliveries",
            [missing] = "  ",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton(dynalite.Client);
        await using var provider = services.AddMitzvahDynamoDb(configuration).BuildServiceProvider();

        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var onUse = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISubscriberStore>());

        Assert.Equal([$"{missing} is required: set it to the name of the DynamoDB "], atStart.Failures.Select(f => f[..f.IndexOf("DynamoDB ", StringComparison.Ordinal)] + "DynamoDB "));
        Assert.Contains(missing, onUse.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(DynamoDbOptions options) => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            [DynamoDbSettingNames.SubscribersTable] = options.SubscribersTable,
            [DynamoDbSettingNames.ConsentHistoryTable] = options.ConsentHistoryTable,
            [DynamoDbSettingNames.DeliveriesTable] = options.DeliveriesTable,
        })
        .Build();

    /// <summary>Sets environment variables (null removes one) and restores their previous values on dispose.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _previous = [];

        public EnvironmentScope(Dictionary<string, string?> values)
        {
            foreach (var (name, value) in values)
            {
                _previous[name] = Environment.GetEnvironmentVariable(name);
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
