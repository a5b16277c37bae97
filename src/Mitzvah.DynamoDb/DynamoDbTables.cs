using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Mitzvah.DynamoDb;

/// <summary>Creates the adapter's tables, for tests and local runs; deployments create them from their template.</summary>
public static class DynamoDbTables
{
    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Creates the three tables of <paramref name="options"/> (on-demand capacity) and waits until they are active.
    /// Tables that already exist are left as they are.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Subscribers: HASH <c>phone</c> (S); global secondary index <c>opted-in-index</c>, HASH <c>opted_in</c> (S),
    /// RANGE <c>phone</c> (S), projecting all attributes. Only opted-in items carry <c>opted_in</c>, so the index is
    /// sparse. Global secondary index <c>due-index</c>, HASH <c>opted_in</c> (S), RANGE <c>due_key</c> (S, the next
    /// send time then the phone), projecting all attributes: the recipients in due order.</item>
    /// <item>Consent history: HASH <c>phone</c> (S), RANGE <c>version</c> (N).</item>
    /// <item>Deliveries: HASH <c>study_date</c> (S), RANGE <c>phone</c> (S). Its items carry <c>expires_at</c> (epoch
    /// seconds) for a time-to-live, which is left to the deployment (some local stand-ins do not support it).</item>
    /// </list>
    /// </remarks>
    /// <exception cref="TimeoutException">A table did not become active within two minutes.</exception>
    public static async Task CreateAsync(IAmazonDynamoDB client, DynamoDbOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        DynamoDbOptionsValidator.ThrowIfInvalid(options);

        await CreateTableAsync(client, SubscribersTable(options.SubscribersTable), cancellationToken).ConfigureAwait(false);
        await CreateTableAsync(client, KeyedTable(options.ConsentHistoryTable, AttributeNames.Phone, ScalarAttributeType.S, AttributeNames.Version, ScalarAttributeType.N), cancellationToken).ConfigureAwait(false);
        await CreateTableAsync(client, KeyedTable(options.DeliveriesTable, AttributeNames.StudyDate, ScalarAttributeType.S, AttributeNames.Phone, ScalarAttributeType.S), cancellationToken).ConfigureAwait(false);

        await WaitUntilActiveAsync(client, options.SubscribersTable, cancellationToken).ConfigureAwait(false);
        await WaitUntilActiveAsync(client, options.ConsentHistoryTable, cancellationToken).ConfigureAwait(false);
        await WaitUntilActiveAsync(client, options.DeliveriesTable, cancellationToken).ConfigureAwait(false);
    }

    private static CreateTableRequest SubscribersTable(string name) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(AttributeNames.Phone, ScalarAttributeType.S),
            new AttributeDefinition(AttributeNames.OptedIn, ScalarAttributeType.S),
            new AttributeDefinition(AttributeNames.DueKey, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(AttributeNames.Phone, KeyType.HASH)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = AttributeNames.OptedInIndex,
                KeySchema =
                [
                    new KeySchemaElement(AttributeNames.OptedIn, KeyType.HASH),
                    new KeySchemaElement(AttributeNames.Phone, KeyType.RANGE),
                ],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
            new GlobalSecondaryIndex
            {
                IndexName = AttributeNames.DueIndex,
                KeySchema =
                [
                    new KeySchemaElement(AttributeNames.OptedIn, KeyType.HASH),
                    new KeySchemaElement(AttributeNames.DueKey, KeyType.RANGE),
                ],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };

    private static CreateTableRequest KeyedTable(string name, string hash, ScalarAttributeType hashType, string range, ScalarAttributeType rangeType) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new AttributeDefinition(hash, hashType), new AttributeDefinition(range, rangeType)],
        KeySchema = [new KeySchemaElement(hash, KeyType.HASH), new KeySchemaElement(range, KeyType.RANGE)],
    };

    private static async Task CreateTableAsync(IAmazonDynamoDB client, CreateTableRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Already there (or being created): creation is idempotent.
        }
    }

    private static async Task WaitUntilActiveAsync(IAmazonDynamoDB client, string table, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ActiveTimeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var description = (await client.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false)).Table;
            var indexesActive = (description.GlobalSecondaryIndexes ?? []).All(index => index.IndexStatus == IndexStatus.ACTIVE);
            if (description.TableStatus == TableStatus.ACTIVE && indexesActive)
            {
                return;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The DynamoDB table {table} did not become active within {ActiveTimeout}.");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }
}
