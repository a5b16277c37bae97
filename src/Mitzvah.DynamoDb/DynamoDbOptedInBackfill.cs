using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>
/// Adds the sparse index attribute <c>opted_in</c> to opted-in subscriber items written before the index existed
/// (by the original deployment), so that <see cref="DynamoDbSubscriberStore"/> lists and counts them.
/// </summary>
/// <remarks>
/// <para>
/// Run it once after deploying the index; running it again is harmless and updates nothing that is already indexed.
/// It pages through the whole table with Scan (this is the one place that scans the table for opted-in subscribers)
/// and, for each item whose <c>consent_status</c> is <c>opted_in</c> and that lacks <c>opted_in</c>, sets it with an
/// UpdateItem conditioned on the status still being opted in and the attribute still missing. So a subscriber who
/// opts out while it runs is never indexed, and nothing else on the item (its version in particular) changes.
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

    /// <summary>Creates a backfill that works through <paramref name="client"/>.</summary>
    public DynamoDbOptedInBackfill(IAmazonDynamoDB client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <summary>Indexes every opted-in item of the subscribers table <paramref name="tableName"/> that is not yet indexed.</summary>
    /// <param name="tableName">The subscribers table, usually <see cref="DynamoDbOptions.SubscribersTable"/>.</param>
    /// <param name="cancellationToken">Stops the run between items; what was updated stays updated.</param>
    /// <returns>How many items were examined, updated, and already indexed.</returns>
    public async Task<BackfillResult> RunAsync(string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);

        long scanned = 0, updated = 0, alreadyIndexed = 0;
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await _client.ScanAsync(
                new ScanRequest
                {
                    TableName = tableName,
                    ProjectionExpression = "#phone, #optedIn",
                    FilterExpression = "#status = :optedIn",
                    ExpressionAttributeNames = new()
                    {
                        ["#phone"] = AttributeNames.Phone,
                        ["#optedIn"] = AttributeNames.OptedIn,
                        ["#status"] = AttributeNames.ConsentStatus,
                    },
                    ExpressionAttributeValues = new() { [":optedIn"] = new AttributeValue { S = OptedInName } },
                    ExclusiveStartKey = startKey,
                },
                cancellationToken).ConfigureAwait(false);
            scanned += response.ScannedCount ?? 0;

            foreach (var item in response.Items ?? [])
            {
                if (item.ContainsKey(AttributeNames.OptedIn))
                {
                    alreadyIndexed++;
                }
                else if (await TryIndexAsync(tableName, item[AttributeNames.Phone], cancellationToken).ConfigureAwait(false))
                {
                    updated++;
                }
            }

            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (startKey is not null);

        return new BackfillResult(scanned, updated, alreadyIndexed);
    }

    private async Task<bool> TryIndexAsync(string tableName, AttributeValue phone, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = tableName,
                    Key = new() { [AttributeNames.Phone] = phone },
                    UpdateExpression = "SET #optedIn = :one",
                    // A number marked unreachable stays out of the index until it writes again.
                    ConditionExpression = "#status = :optedIn AND attribute_not_exists(#optedIn) AND attribute_not_exists(#unreachable)",
                    ExpressionAttributeNames = new()
                    {
                        ["#optedIn"] = AttributeNames.OptedIn,
                        ["#unreachable"] = AttributeNames.UnreachableSince,
                        ["#status"] = AttributeNames.ConsentStatus,
                    },
                    ExpressionAttributeValues = new()
                    {
                        [":one"] = new AttributeValue { S = AttributeNames.OptedInValue },
                        [":optedIn"] = new AttributeValue { S = OptedInName },
                    },
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
