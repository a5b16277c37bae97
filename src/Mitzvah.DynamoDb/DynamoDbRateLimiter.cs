using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Limits;

namespace Mitzvah.DynamoDb;

/// <summary>Fixed-window request counters in the deliveries table, shared by every Lambda instance.</summary>
/// <remarks>
/// One item per (scope, client, window): <c>study_date</c> = <c>limit#{scope}#{window start}</c> and <c>phone</c> =
/// the client, a partition no study date can collide with (the ledger's keys are dates), so the functions need no
/// further table or permission. Admitting is one UpdateItem <c>ADD count 1</c> conditioned on the count being absent
/// or below the limit; concurrent callers are serialised by DynamoDB on the item, so no more than the limit are
/// admitted. Every item carries <c>expires_at</c> (the window's end, epoch seconds) for the table's time to live;
/// nothing reads an ended window.
/// </remarks>
public sealed class DynamoDbRateLimiter : IRateLimiter
{
    private const string Count = "count";

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    /// <summary>Creates a limiter on the deliveries table of <paramref name="options"/>.</summary>
    public DynamoDbRateLimiter(IAmazonDynamoDB client, IOptions<DynamoDbOptions> options)
        : this(client, options?.Value!)
    {
    }

    /// <summary>Creates a limiter on the deliveries table of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">The deliveries table name is missing or invalid.</exception>
    public DynamoDbRateLimiter(IAmazonDynamoDB client, DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        DynamoDbOptionsValidator.ThrowIfInvalid(options, DynamoDbOptionsValidator.Tables.Deliveries);
        _client = client;
        _table = options.DeliveriesTable;
    }

    /// <inheritdoc />
    public async Task<RateLimitDecision> TryAcquireAsync(string scope, string client, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RateWindow.ThrowIfInvalid(scope, client, limit, window);
        var current = RateWindow.Of(now, window);
        try
        {
            await _client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = _table,
                    Key = new()
                    {
                        [AttributeNames.StudyDate] = new AttributeValue { S = $"limit#{scope}#{current.StartText}" },
                        [AttributeNames.Phone] = new AttributeValue { S = client },
                    },
                    UpdateExpression = "ADD #count :one SET #expires = :expires",
                    ConditionExpression = "attribute_not_exists(#count) OR #count < :limit",
                    ExpressionAttributeNames = new() { ["#count"] = Count, ["#expires"] = AttributeNames.ExpiresAt },
                    ExpressionAttributeValues = new()
                    {
                        [":one"] = new AttributeValue { N = "1" },
                        [":limit"] = new AttributeValue { N = limit.ToString(CultureInfo.InvariantCulture) },
                        [":expires"] = new AttributeValue { N = current.End.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return RateLimitDecision.Admitted;
        }
        catch (ConditionalCheckFailedException)
        {
            return current.Refused(now);
        }
    }
}
