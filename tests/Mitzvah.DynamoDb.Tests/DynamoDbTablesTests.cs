using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbTablesTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Creates_the_three_tables_with_the_fixed_key_schema_and_sparse_indexes()
    {
        var options = await dynalite.CreateTablesAsync();

        var subscribers = (await dynalite.Client.DescribeTableAsync(options.SubscribersTable)).Table;
        var history = (await dynalite.Client.DescribeTableAsync(options.ConsentHistoryTable)).Table;
        var deliveries = (await dynalite.Client.DescribeTableAsync(options.DeliveriesTable)).Table;

        Assert.Equal(["phone:HASH"], Keys(subscribers.KeySchema));
        var indexes = subscribers.GlobalSecondaryIndexes.ToDictionary(index => index.IndexName);
        Assert.Equal(["due-index", "opted-in-index"], indexes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["opted_in:HASH", "phone:RANGE"], Keys(indexes["opted-in-index"].KeySchema));
        Assert.Equal(["opted_in:HASH", "due_key:RANGE"], Keys(indexes["due-index"].KeySchema));
        Assert.All(indexes.Values, index => Assert.Equal(ProjectionType.ALL, index.Projection.ProjectionType));
        Assert.Equal(["due_key:S", "opted_in:S", "phone:S"], Attributes(subscribers));

        Assert.Equal(["phone:HASH", "version:RANGE"], Keys(history.KeySchema));
        Assert.Equal(["phone:S", "version:N"], Attributes(history));

        Assert.Equal(["study_date:HASH", "phone:RANGE"], Keys(deliveries.KeySchema));
        Assert.Equal(["phone:S", "study_date:S"], Attributes(deliveries));

        Assert.All([subscribers, history, deliveries], table =>
        {
            Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
            Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
        });
    }

    [Fact]
    public async Task Creating_existing_tables_again_is_harmless_and_keeps_their_items()
    {
        var options = await dynalite.CreateTablesAsync();
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.SubscribersTable,
            Item = new() { ["phone"] = new AttributeValue { S = "+15550000101" }, ["consent_status"] = new AttributeValue { S = "opted_in" } },
        });

        await DynamoDbTables.CreateAsync(dynalite.Client, options);

        var scan = await dynalite.Client.ScanAsync(new ScanRequest { TableName = options.SubscribersTable });
        Assert.Equal(1, scan.Count);
    }

    private static IEnumerable<string> Keys(List<KeySchemaElement> keys) => keys.Select(key => $"{key.AttributeName}:{key.KeyType}");

    private static IEnumerable<string> Attributes(TableDescription table) =>
        table.AttributeDefinitions.Select(a => $"{a.AttributeName}:{a.AttributeType}").Order(StringComparer.Ordinal);
}
