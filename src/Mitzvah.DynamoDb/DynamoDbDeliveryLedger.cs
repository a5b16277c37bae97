using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.DynamoDb;

/// <summary>The delivery ledger in DynamoDB: one item per (study date, phone), one conditional write per operation.</summary>
/// <remarks>
/// <para>
/// The table is keyed by <c>study_date</c> (<c>yyyy-MM-dd</c>) and <c>phone</c>, which holds the delivery's
/// <see cref="AddressKey"/>: the number, or for a mail <c>mailto:</c> and the address. A claim is one UpdateItem whose
/// condition is the claim rule (no item, a transient failure, or a lapsed lease) and which returns the new item; a
/// mark is one UpdateItem conditioned on state and claim id. DynamoDB applies each conditional write atomically, so
/// of concurrent claims exactly one wins; a failed condition means <see langword="null"/> or <see langword="false"/>.
/// </para>
/// <para>
/// Timestamps are ISO-8601 UTC text with milliseconds, whose string order is their time order, so the lease check
/// compares text. Every write also sets <c>expires_at</c> (epoch seconds, the study date plus 90 days) for the
/// table's time-to-live, which the deployment template enables.
/// </para>
/// <para>
/// The optional <c>message_form</c> (<see cref="DeliveryNames.ToName(MessageForm)"/>), <c>resent_as_template</c> and
/// <c>outside_window</c> (booleans) read as absent/false on items written before them; they need no new schema
/// version, as earlier code only updates items and leaves attributes it does not name.
/// </para>
/// <para>
/// Every write sets <c>schema_version</c> = 3 too (<see cref="ItemSchema"/>). An item of a later version, written by
/// newer code, is left alone: this code's claims and marks are conditioned on the item not being newer (so they
/// return <see langword="null"/> or <see langword="false"/>), and reading one throws <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed class DynamoDbDeliveryLedger : IDeliveryLedger
{
    private const string DateFormat = "yyyy-MM-dd";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    private static readonly string ClaimedName = DeliveryState.Claimed.ToName();
    private static readonly string SentName = DeliveryState.Sent.ToName();
    private static readonly string FailedName = DeliveryState.Failed.ToName();

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;

    /// <summary>Creates a ledger on <see cref="DynamoDbOptions.DeliveriesTable"/>.</summary>
    /// <exception cref="OptionsValidationException">The deliveries table name is missing or invalid.</exception>
    public DynamoDbDeliveryLedger(IAmazonDynamoDB client, IOptions<DynamoDbOptions> options)
        : this(client, options?.Value!)
    {
    }

    /// <summary>Creates a ledger on <see cref="DynamoDbOptions.DeliveriesTable"/>.</summary>
    /// <exception cref="OptionsValidationException">The deliveries table name is missing or invalid.</exception>
    public DynamoDbDeliveryLedger(IAmazonDynamoDB client, DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        DynamoDbOptionsValidator.ThrowIfInvalid(options, DynamoDbOptionsValidator.Tables.Deliveries);

        _client = client;
        _table = options.DeliveriesTable;
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);

        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(studyDate, phone),
            UpdateExpression = "SET #state = :claimed, #claim = :claim, #lease = :lease, #permanent = :false, #updated = :now, #expires = :expires, "
                + $"{ItemSchema.Name} = {ItemSchema.Value} REMOVE #sid, #error, #status, #rank, #statusError, #statusAt, #form, #outside ADD #attempts :one",
            ConditionExpression = "(attribute_not_exists(#date) "
                + "OR (#state = :failed AND #permanent = :false) "
                + $"OR (#state = :claimed AND #lease <= :now)) AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#date"] = AttributeNames.StudyDate,
                ["#state"] = AttributeNames.State,
                ["#claim"] = AttributeNames.ClaimId,
                ["#lease"] = AttributeNames.LeaseExpiresAt,
                ["#permanent"] = AttributeNames.Permanent,
                ["#updated"] = AttributeNames.UpdatedAt,
                ["#expires"] = AttributeNames.ExpiresAt,
                ["#sid"] = AttributeNames.MessageSid,
                ["#error"] = AttributeNames.ErrorCode,
                ["#attempts"] = AttributeNames.Attempts,
                ["#status"] = AttributeNames.DeliveryStatus,
                ["#rank"] = AttributeNames.DeliveryRank,
                ["#statusError"] = AttributeNames.DeliveryErrorCode,
                ["#statusAt"] = AttributeNames.DeliveryStatusAt,
                ["#form"] = AttributeNames.MessageForm,
                ["#outside"] = AttributeNames.OutsideWindow,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = new()
            {
                [":claimed"] = new AttributeValue { S = ClaimedName },
                [":failed"] = new AttributeValue { S = FailedName },
                [":claim"] = new AttributeValue { S = Guid.NewGuid().ToString("N") },
                [":lease"] = new AttributeValue { S = Timestamps.ToText(now + lease) },
                [":false"] = new AttributeValue { BOOL = false },
                [":now"] = new AttributeValue { S = Timestamps.ToText(now) },
                [":expires"] = ExpiresAt(studyDate),
                [":one"] = new AttributeValue { N = "1" },
                [ItemSchema.Value] = ItemSchema.CurrentValue,
            },
            ReturnValues = ReturnValue.ALL_NEW,
        };

        return await ClaimAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> MarkSentAsync(
        DateOnly studyDate,
        string phone,
        string claimId,
        string messageId,
        DateTimeOffset now,
        MessageForm form = MessageForm.Freeform,
        bool outsideWindow = false,
        CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(claimId);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);

        return CompleteAsync(
            studyDate,
            phone,
            claimId,
            "SET #state = :state, #sid = :sid, #permanent = :false, #updated = :now, #expires = :expires, #form = :form, #outside = :outside, "
                + $"{ItemSchema.Name} = {ItemSchema.Value} REMOVE #error",
            new()
            {
                [":state"] = new AttributeValue { S = SentName },
                [":sid"] = new AttributeValue { S = messageId },
                [":false"] = new AttributeValue { BOOL = false },
                [":form"] = new AttributeValue { S = form.ToName() },
                [":outside"] = new AttributeValue { BOOL = outsideWindow },
            },
            now,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One UpdateItem whose condition is the resend rule; DynamoDB applies it atomically, so one of concurrent calls wins.</remarks>
    public async Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);

        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(studyDate, phone),
            UpdateExpression = "SET #state = :claimed, #claim = :claim, #lease = :lease, #permanent = :false, #updated = :now, #expires = :expires, #resent = :true, "
                + $"{ItemSchema.Name} = {ItemSchema.Value} REMOVE #sid, #error, #status, #rank, #statusError, #statusAt, #form, #outside ADD #attempts :one",
            ConditionExpression = "#state = :sent AND #sid = :sid AND #form = :freeform AND (attribute_not_exists(#resent) OR #resent = :false) "
                + $"AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#state"] = AttributeNames.State,
                ["#claim"] = AttributeNames.ClaimId,
                ["#lease"] = AttributeNames.LeaseExpiresAt,
                ["#permanent"] = AttributeNames.Permanent,
                ["#updated"] = AttributeNames.UpdatedAt,
                ["#expires"] = AttributeNames.ExpiresAt,
                ["#resent"] = AttributeNames.ResentAsTemplate,
                ["#sid"] = AttributeNames.MessageSid,
                ["#error"] = AttributeNames.ErrorCode,
                ["#attempts"] = AttributeNames.Attempts,
                ["#status"] = AttributeNames.DeliveryStatus,
                ["#rank"] = AttributeNames.DeliveryRank,
                ["#statusError"] = AttributeNames.DeliveryErrorCode,
                ["#statusAt"] = AttributeNames.DeliveryStatusAt,
                ["#form"] = AttributeNames.MessageForm,
                ["#outside"] = AttributeNames.OutsideWindow,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = new()
            {
                [":claimed"] = new AttributeValue { S = ClaimedName },
                [":sent"] = new AttributeValue { S = SentName },
                [":sid"] = new AttributeValue { S = messageId },
                [":freeform"] = new AttributeValue { S = MessageForm.Freeform.ToName() },
                [":claim"] = new AttributeValue { S = Guid.NewGuid().ToString("N") },
                [":lease"] = new AttributeValue { S = Timestamps.ToText(now + lease) },
                [":false"] = new AttributeValue { BOOL = false },
                [":true"] = new AttributeValue { BOOL = true },
                [":now"] = new AttributeValue { S = Timestamps.ToText(now) },
                [":expires"] = ExpiresAt(studyDate),
                [":one"] = new AttributeValue { N = "1" },
                [ItemSchema.Value] = ItemSchema.CurrentValue,
            },
            ReturnValues = ReturnValue.ALL_NEW,
        };

        return await ClaimAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(claimId);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);

        return CompleteAsync(
            studyDate,
            phone,
            claimId,
            $"SET #state = :state, #error = :error, #permanent = :permanent, #updated = :now, #expires = :expires, {ItemSchema.Name} = {ItemSchema.Value} REMOVE #sid, #form, #outside",
            new() { [":state"] = new AttributeValue { S = FailedName }, [":error"] = new AttributeValue { S = errorCode }, [":permanent"] = new AttributeValue { BOOL = permanent } },
            now,
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UpdateItem conditioned on the message id and on the stored <c>delivery_rank</c> being absent or lower, so
    /// of concurrent callbacks each rank applies at most once and the highest one stays.
    /// </remarks>
    public async Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);

        var values = new Dictionary<string, AttributeValue>
        {
            [":sid"] = new AttributeValue { S = messageId },
            [":status"] = new AttributeValue { S = status.ToName() },
            [":rank"] = ItemValues.NumberValue(status.Rank()),
            [":at"] = new AttributeValue { S = Timestamps.ToText(at) },
            [ItemSchema.Value] = ItemSchema.CurrentValue,
        };
        // An absent error code removes the attribute: the item says nothing about an error it no longer has.
        var update = "SET #status = :status, #rank = :rank, #statusAt = :at, #updated = :at";
        if (errorCode is null)
        {
            update += " REMOVE #statusError";
        }
        else
        {
            update += ", #statusError = :error";
            values[":error"] = new AttributeValue { S = errorCode };
        }

        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(studyDate, phone),
            UpdateExpression = update,
            ConditionExpression = $"attribute_exists(#date) AND #sid = :sid AND (attribute_not_exists(#rank) OR #rank < :rank) AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#date"] = AttributeNames.StudyDate,
                ["#sid"] = AttributeNames.MessageSid,
                ["#status"] = AttributeNames.DeliveryStatus,
                ["#rank"] = AttributeNames.DeliveryRank,
                ["#statusError"] = AttributeNames.DeliveryErrorCode,
                ["#statusAt"] = AttributeNames.DeliveryStatusAt,
                ["#updated"] = AttributeNames.UpdatedAt,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = values,
        };

        return await TryUpdateAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var response = await _client.GetItemAsync(
            new GetItemRequest { TableName = _table, Key = Key(studyDate, phone), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? ReadRecord(item) : null;
    }

    /// <inheritdoc />
    /// <remarks>One Query of the date's partition, whose sort key order is ordinal phone order.</remarks>
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default)
    {
        var records = new List<DeliveryRecord>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _table,
                    KeyConditionExpression = "#date = :date",
                    ExpressionAttributeNames = new() { ["#date"] = AttributeNames.StudyDate },
                    ExpressionAttributeValues = new() { [":date"] = new AttributeValue { S = FormatDate(studyDate) } },
                    ConsistentRead = true,
                    ExclusiveStartKey = startKey,
                },
                cancellationToken).ConfigureAwait(false);
            records.AddRange((response.Items ?? []).Select(ReadRecord));
            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (startKey is not null);

        return records;
    }

    /// <summary>Runs a conditional claim; the item as it now is, or <see langword="null"/> when the condition did not hold.</summary>
    private async Task<DeliveryRecord?> ClaimAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            return ReadRecord(response.Attributes);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private async Task<bool> CompleteAsync(
        DateOnly studyDate,
        string phone,
        string claimId,
        string update,
        Dictionary<string, AttributeValue> values,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        values[":claimed"] = new AttributeValue { S = ClaimedName };
        values[":claim"] = new AttributeValue { S = claimId };
        values[":now"] = new AttributeValue { S = Timestamps.ToText(now) };
        values[":expires"] = ExpiresAt(studyDate);
        values[ItemSchema.Value] = ItemSchema.CurrentValue;

        var request = new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(studyDate, phone),
            UpdateExpression = update,
            ConditionExpression = $"#state = :claimed AND #claim = :claim AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#state"] = AttributeNames.State,
                ["#claim"] = AttributeNames.ClaimId,
                ["#permanent"] = AttributeNames.Permanent,
                ["#updated"] = AttributeNames.UpdatedAt,
                ["#expires"] = AttributeNames.ExpiresAt,
                ["#sid"] = AttributeNames.MessageSid,
                ["#error"] = AttributeNames.ErrorCode,
                ["#form"] = AttributeNames.MessageForm,
                ["#outside"] = AttributeNames.OutsideWindow,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = values,
        };
        return await TryUpdateAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One conditional update; <see langword="false"/> when its condition did not hold.</summary>
    private async Task<bool> TryUpdateAsync(UpdateItemRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static Dictionary<string, AttributeValue> Key(DateOnly studyDate, string phone) => new()
    {
        [AttributeNames.StudyDate] = new AttributeValue { S = FormatDate(studyDate) },
        [AttributeNames.Phone] = new AttributeValue { S = phone },
    };

    private static AttributeValue ExpiresAt(DateOnly studyDate)
    {
        var expires = new DateTimeOffset(studyDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + Retention;
        return ItemValues.NumberValue(expires.ToUnixTimeSeconds());
    }

    private static DeliveryRecord ReadRecord(Dictionary<string, AttributeValue> item)
    {
        var phone = ItemValues.Text(item, AttributeNames.Phone)!;
        ItemSchema.ThrowIfNewer(item, "delivery", phone);
        return new DeliveryRecord
        {
            StudyDate = DateOnly.ParseExact(ItemValues.Text(item, AttributeNames.StudyDate)!, DateFormat, CultureInfo.InvariantCulture),
            Phone = phone,
            State = DeliveryNames.ParseState(ItemValues.Text(item, AttributeNames.State)!),
            ClaimId = ItemValues.Text(item, AttributeNames.ClaimId)!,
            Attempts = (int)(ItemValues.Number(item, AttributeNames.Attempts) ?? 0),
            LeaseExpiresAt = Timestamps.Parse(ItemValues.Text(item, AttributeNames.LeaseExpiresAt)!),
            MessageId = ItemValues.Text(item, AttributeNames.MessageSid),
            ErrorCode = ItemValues.Text(item, AttributeNames.ErrorCode),
            Permanent = item.TryGetValue(AttributeNames.Permanent, out var permanent) && permanent.BOOL == true,
            UpdatedAt = Timestamps.Parse(ItemValues.Text(item, AttributeNames.UpdatedAt)!),
            DeliveryStatus = ItemValues.Text(item, AttributeNames.DeliveryStatus) is { } status ? DeliveryNames.ParseStatus(status) : null,
            DeliveryErrorCode = ItemValues.Text(item, AttributeNames.DeliveryErrorCode),
            DeliveryStatusAt = ItemValues.Text(item, AttributeNames.DeliveryStatusAt) is { } statusAt ? Timestamps.Parse(statusAt) : null,
            Form = ItemValues.Text(item, AttributeNames.MessageForm) is { } form ? DeliveryNames.ParseForm(form) : null,
            ResentAsTemplate = item.TryGetValue(AttributeNames.ResentAsTemplate, out var resent) && resent.BOOL == true,
            OutsideWindow = item.TryGetValue(AttributeNames.OutsideWindow, out var outside) && outside.BOOL == true,
        };
    }

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
