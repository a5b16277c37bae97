using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>
/// Puts opted-in subscriber items written before the indexes existed into them: it adds <c>opted_in</c> (the key of
/// both sparse indexes) to items of the original deployment, and a next send time to items written before the due
/// index, so that <see cref="DynamoDbSubscriberStore"/> lists and counts them and the send tick finds them due.
/// </summary>
/// <remarks>
/// <para>
/// Run it once after deploying the indexes; running it again is harmless and updates nothing that is already indexed.
/// It pages through the whole table with Scan (this is the one place that scans the table for opted-in subscribers)
/// and, for each item whose <c>consent_status</c> is <c>opted_in</c> and that lacks <c>opted_in</c> or
/// <c>due_key</c>, sets what it lacks with an UpdateItem conditioned on the status still being opted in, the number
/// not being marked unreachable, the attribute still missing and the item not being of a later schema version. An
/// item without a next send time gets the run's time (<c>next_send_at</c> and <c>due_key</c>): it is due at once, and
/// the next tick works out its real send moment. So a subscriber who opts out or is rescheduled while it runs keeps
/// what that change wrote, and nothing else on the item (its version in particular) changes.
/// </para>
/// <para>
/// An item whose condition fails because it changed during the run is counted neither as updated nor as already
/// indexed. Safe to run while the bot is live; not meant to run twice at the same time (it would only do some work
/// twice).
/// </para>
/// </remarks>
public sealed class DynamoDbOptedInBackfill
{
    private static readonly string OptedInName = ConsentStatus.OptedIn.ToName();

    private readonly IAmazonDynamoDB _client;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a backfill that works through <paramref name="client"/> and schedules by the system clock.</summary>
    public DynamoDbOptedInBackfill(IAmazonDynamoDB client)
        : this(client, TimeProvider.System)
    {
    }

    /// <summary>Creates a backfill that works through <paramref name="client"/> and takes the run's time from <paramref name="timeProvider"/>.</summary>
    public DynamoDbOptedInBackfill(IAmazonDynamoDB client, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _timeProvider = timeProvider;
    }

    /// <summary>Indexes every opted-in item of the subscribers table <paramref name="tableName"/> that is not yet indexed.</summary>
    /// <param name="tableName">The subscribers table, usually <see cref="DynamoDbOptions.SubscribersTable"/>.</param>
    /// <param name="cancellationToken">Stops the run between items; what was updated stays updated.</param>
    /// <returns>How many items were examined, updated, and already indexed.</returns>
    public async Task<BackfillResult> RunAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        var now = Timestamps.Truncate(_timeProvider.GetUtcNow());

        long scanned = 0, updated = 0, alreadyIndexed = 0;
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await _client.ScanAsync(
                new ScanRequest
                {
                    TableName = tableName,
                    ProjectionExpression = "#phone, #optedIn, #dueKey",
                    FilterExpression = "#status = :optedIn",
                    ExpressionAttributeNames = new()
                    {
                        ["#phone"] = AttributeNames.Phone,
                        ["#optedIn"] = AttributeNames.OptedIn,
                        ["#dueKey"] = AttributeNames.DueKey,
                        ["#status"] = AttributeNames.ConsentStatus,
                    },
                    ExpressionAttributeValues = new() { [":optedIn"] = new AttributeValue { S = OptedInName } },
                    ExclusiveStartKey = startKey,
                },
                cancellationToken).ConfigureAwait(false);
            scanned += response.ScannedCount ?? 0;

            foreach (var item in response.Items ?? [])
            {
                var indexed = item.ContainsKey(AttributeNames.OptedIn);
                var scheduled = item.ContainsKey(AttributeNames.DueKey);
                if (indexed && scheduled)
                {
                    alreadyIndexed++;
                }
                else if (await TryIndexAsync(tableName, item[AttributeNames.Phone], scheduled ? null : now, cancellationToken).ConfigureAwait(false))
                {
                    updated++;
                }
            }

            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (startKey is not null);

        return new BackfillResult(scanned, updated, alreadyIndexed);
    }

    /// <summary>Sets <c>opted_in</c>, and with <paramref name="dueAt"/> the next send time, unless the item changed.</summary>
    private async Task<bool> TryIndexAsync(string tableName, AttributeValue phone, DateTimeOffset? dueAt, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":one"] = new AttributeValue { S = AttributeNames.OptedInValue },
            [":optedIn"] = new AttributeValue { S = OptedInName },
            [ItemSchema.Value] = ItemSchema.CurrentValue,
        };
        var names = new Dictionary<string, string>
        {
            ["#optedIn"] = AttributeNames.OptedIn,
            ["#unreachable"] = AttributeNames.UnreachableSince,
            ["#status"] = AttributeNames.ConsentStatus,
            [ItemSchema.Name] = AttributeNames.SchemaVersion,
        };

        // A number marked unreachable stays out of the indexes until it writes again.
        var condition = $"#status = :optedIn AND attribute_not_exists(#unreachable) AND {ItemSchema.NotNewer}";
        string update;
        if (dueAt is { } at)
        {
            // Only an item that has no next send time: one that a change or a tick scheduled meanwhile keeps it.
            update = "SET #optedIn = :one, #next = :next, #dueKey = :dueKey";
            condition += " AND attribute_not_exists(#dueKey)";
            names["#next"] = AttributeNames.NextSendAt;
            names["#dueKey"] = AttributeNames.DueKey;
            values[":next"] = ItemValues.NumberValue(at.ToUnixTimeMilliseconds());
            values[":dueKey"] = new AttributeValue { S = DueKeys.For(at, phone.S) };
        }
        else
        {
            update = "SET #optedIn = :one";
            condition += " AND attribute_not_exists(#optedIn)";
        }

        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = tableName,
                    Key = new() { [AttributeNames.Phone] = phone },
                    UpdateExpression = update,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
