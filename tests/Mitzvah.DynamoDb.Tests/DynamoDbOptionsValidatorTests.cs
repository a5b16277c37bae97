namespace Mitzvah.DynamoDb.Tests;

public sealed class DynamoDbOptionsValidatorTests
{
    private static readonly DynamoDbOptions Valid = new()
    {
        SubscribersTable = "mitzvah-subscribers",
        ConsentHistoryTable = "mitzvah-consent-history",
        DeliveriesTable = "mitzvah_deliveries.v2",
    };

    [Fact]
    public void Valid_table_names_pass()
    {
        Assert.True(new DynamoDbOptionsValidator().Validate(null, Valid).Succeeded);
    }

    [Fact]
    public void Every_missing_table_is_reported_by_its_variable()
    {
        var result = new DynamoDbOptionsValidator().Validate(null, new DynamoDbOptions());

        Assert.True(result.Failed);
        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains(result.Failures, failure => failure.StartsWith("SUBSCRIBERS_TABLE is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures, failure => failure.StartsWith("CONSENT_HISTORY_TABLE is required", StringComparison.Ordinal));
        Assert.Contains(result.Failures, failure => failure.StartsWith("DELIVERIES_TABLE is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("my table")]
    [InlineData("subscribers/prod")]
    [InlineData("   ")]
    public void Invalid_table_names_are_rejected_naming_the_variable(string name)
    {
        var options = new DynamoDbOptions { SubscribersTable = Valid.SubscribersTable, ConsentHistoryTable = name, DeliveriesTable = Valid.DeliveriesTable };

        var result = new DynamoDbOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("CONSENT_HISTORY_TABLE", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Stores_refuse_options_that_are_not_valid()
    {
        var options = new DynamoDbOptions { SubscribersTable = Valid.SubscribersTable };
        using var client = new Amazon.DynamoDBv2.AmazonDynamoDBClient(
            new Amazon.Runtime.BasicAWSCredentials("x", "x"), new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9" });

        var store = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DynamoDbSubscriberStore(client, options));
        var ledger = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new DynamoDbDeliveryLedger(client, options));

        Assert.Contains("CONSENT_HISTORY_TABLE", store.Message, StringComparison.Ordinal);
        Assert.Contains("DELIVERIES_TABLE", ledger.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_store_needs_only_the_tables_it_uses()
    {
        var consentOnly = new DynamoDbOptions { SubscribersTable = Valid.SubscribersTable, ConsentHistoryTable = Valid.ConsentHistoryTable };
        var ledgerOnly = new DynamoDbOptions { DeliveriesTable = Valid.DeliveriesTable };
        using var client = new Amazon.DynamoDBv2.AmazonDynamoDBClient(
            new Amazon.Runtime.BasicAWSCredentials("x", "x"), new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9" });

        Assert.Equal("dynamodb", new DynamoDbSubscriberStore(client, consentOnly).Kind);
        Assert.NotNull(new DynamoDbDeliveryLedger(client, ledgerOnly));
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => DynamoDbOptionsValidator.ThrowIfInvalid(consentOnly));
    }
}
