using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

[Collection(SharedAzurite.Name)]
public sealed class ServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    private const string ConnectionStringVariable = "AZURE_TABLES_CONNECTION_STRING";
    private const string EndpointVariable = "AZURE_TABLES_ENDPOINT";
    private const string PrefixVariable = "AZURE_TABLES_PREFIX";

    [Fact]
    public async Task Development_storage_connection_string_registers_singletons_on_the_local_emulator()
    {
        await using var provider = Build(new() { [ConnectionStringVariable] = "UseDevelopmentStorage=true" });

        var client = provider.GetRequiredService<TableServiceClient>();
        Assert.Equal("devstoreaccount1", client.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), client.Uri);
        var store = provider.GetRequiredService<ISubscriberStore>();
        Assert.IsType<TableStorageSubscriberStore>(store);
        Assert.Equal("table-storage", store.Kind);
        Assert.Same(store, provider.GetRequiredService<ISubscriberStore>());
        var ledger = provider.GetRequiredService<IDeliveryLedger>();
        Assert.IsType<TableStorageDeliveryLedger>(ledger);
        Assert.Same(ledger, provider.GetRequiredService<IDeliveryLedger>());
        var options = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
        Assert.Equal("Mitzvah", options.TablePrefix);
        Assert.Equal(["MitzvahSubscribers", "MitzvahConsentHistory", "MitzvahDeliveries"], [options.SubscribersTableName, options.ConsentHistoryTableName, options.DeliveriesTableName]);
    }

    [Fact]
    public async Task Connection_string_and_prefix_reach_a_running_service_whose_tables_are_created_on_first_use()
    {
        var prefix = AzuriteFixture.NewPrefix();
        try
        {
            await using var provider = Build(new() { [ConnectionStringVariable] = azurite.ConnectionString, [PrefixVariable] = prefix });
            var store = provider.GetRequiredService<ISubscriberStore>();
            var ledger = provider.GetRequiredService<IDeliveryLedger>();

            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
            var claim = await ledger.TryClaimAsync(new DateOnly(2025, 3, 2), TestPhones.Alice, ConsentChangeBuilder.DefaultAt, TimeSpan.FromMinutes(5));

            Assert.NotNull(claim);
            Assert.Equal(ConsentStatus.OptedIn, (await store.GetAsync(TestPhones.Alice))?.Status);
            var tables = new List<string>();
            await foreach (var table in azurite.CreateServiceClient().QueryAsync(filter: $"TableName ge '{prefix}' and TableName lt '{prefix}~'"))
            {
                tables.Add(table.Name);
            }

            Assert.Equal([prefix + "ConsentHistory", prefix + "Deliveries", prefix + "Subscribers"], tables.Order(StringComparer.Ordinal));
        }
        finally
        {
            await azurite.DeleteTablesAsync(prefix);
        }
    }

    [Fact]
    public async Task Endpoint_registers_a_client_for_that_service_without_contacting_it()
    {
        await using var provider = Build(new()
        {
            [EndpointVariable] = "https://mitzvahprod.table.core.windows.net",
            [ConnectionStringVariable] = "  ",
            [PrefixVariable] = "Prod",
        });

        var client = provider.GetRequiredService<TableServiceClient>();
        Assert.Equal(new Uri("https://mitzvahprod.table.core.windows.net"), client.Uri);
        Assert.Equal("mitzvahprod", client.AccountName);
        Assert.IsType<TableStorageSubscriberStore>(provider.GetRequiredService<ISubscriberStore>());
        Assert.IsType<TableStorageDeliveryLedger>(provider.GetRequiredService<IDeliveryLedger>());
        var options = provider.GetRequiredService<IOptions<TableStorageOptions>>().Value;
        Assert.Null(options.ConnectionString);
        Assert.Equal("ProdSubscribers", options.SubscribersTableName);
    }

    [Fact]
    public void Neither_setting_is_rejected_with_a_message_naming_both_variables()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddMitzvahTableStorage(Configuration(new())));

        Assert.Contains("Neither", exception.Message, StringComparison.Ordinal);
        Assert.Contains(ConnectionStringVariable, exception.Message, StringComparison.Ordinal);
        Assert.Contains(EndpointVariable, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_settings_are_rejected_with_a_message_naming_both_variables()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddMitzvahTableStorage(Configuration(new()
        {
            [ConnectionStringVariable] = "UseDevelopmentStorage=true",
            [EndpointVariable] = "https://mitzvahprod.table.core.windows.net",
        })));

        Assert.Contains("Both", exception.Message, StringComparison.Ordinal);
        Assert.Contains(ConnectionStringVariable, exception.Message, StringComparison.Ordinal);
        Assert.Contains(EndpointVariable, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("table.core.windows.net")]
    [InlineData("http://mitzvahprod.table.core.windows.net")]
    [InlineData("ftp://mitzvahprod.table.core.windows.net")]
    public void Endpoints_that_are_not_https_urls_are_rejected_naming_the_variable(string endpoint)
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddMitzvahTableStorage(Configuration(new() { [EndpointVariable] = endpoint })));

        Assert.Contains(EndpointVariable, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ConnectionStringVariable, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1Mitzvah")]
    [InlineData("Mitzvah-Prod")]
    [InlineData("A12345678901234567890123456789012345678901234567890")]
    public void Prefixes_that_make_invalid_table_names_are_rejected_naming_the_variable(string prefix)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddMitzvahTableStorage(Configuration(new()
        {
            [ConnectionStringVariable] = "UseDevelopmentStorage=true",
            [PrefixVariable] = prefix,
        })));

        Assert.Contains(PrefixVariable, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("AccountKey=c2VjcmV0LWtleQ==;TableEndpoint")]
    [InlineData("DefaultEndpointsProtocol=https;AccountKey=c2VjcmV0LWtleQ==")]
    public void Unreadable_connection_strings_are_rejected_naming_the_variable_without_repeating_the_secret(string connectionString)
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddMitzvahTableStorage(Configuration(new() { [ConnectionStringVariable] = connectionString })));

        Assert.Contains(ConnectionStringVariable, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(connectionString, exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddMitzvahTableStorage(Configuration(settings)).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
