using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>Subscribers and their consent history in DynamoDB, with single-item conditional writes only.</summary>
/// <remarks>
/// <para>
/// Tables (see <see cref="DynamoDbTables"/>): subscribers keyed by <c>phone</c> (an <see cref="AddressKey"/>), with
/// the original deployment's attributes (<c>consent_status</c>, <c>channel</c>, <c>source</c>, <c>evidence</c>,
/// <c>timestamp_iso</c>) plus <c>purpose</c>, <c>created_at</c> and <c>version</c>; consent history keyed by
/// (<c>phone</c>, <c>version</c>).
/// Subscribers that are opted in and not marked unreachable (the recipients) carry <c>opted_in = "1"</c>, the key of
/// the sparse index <c>opted-in-index</c>, so listing and counting them is a Query of that index. Other statuses are
/// found by a filtered Scan, which is meant for operators only.
/// </para>
/// <para>
/// The due index: <see cref="Subscriber.NextSendAt"/> is <c>next_send_at</c> (N, Unix milliseconds), kept on every item
/// that has one whatever its status, together with <c>due_key</c> (<see cref="DueKeys"/>: the time as 15 digits, then
/// the phone). The sparse index <c>due-index</c> has partition key <c>opted_in</c> and sort key <c>due_key</c>, so it
/// holds exactly the recipients with a next send time, in (time, phone) order, and <see cref="ListDueAsync"/> is one
/// Query of it for keys up to the tick's time. Every write that changes the status or the mark sets or removes
/// <c>opted_in</c> in the same conditional update, so an item leaves and rejoins the due index with its recipiency;
/// writes that set the time (an opt-in, a cleared mark, a preference change, <see cref="SetNextSendAtAsync"/>) write
/// <c>next_send_at</c> and <c>due_key</c> together, and the others do not name them.
/// </para>
/// <para>
/// <see cref="RecordConsentAsync"/> needs no transaction. A change that alters the status first claims version
/// <c>v + 1</c>, where <c>v</c> is the version it read (consistently), by putting that history entry with
/// <c>attribute_not_exists</c>, so exactly one change can claim each version. It then copies that entry onto the
/// subscriber item with an update conditioned on the item still being at version <c>v</c>. A change that finds
/// version <c>v + 1</c> already claimed first completes that entry's update itself (the update is idempotent: only
/// one update from version <c>v</c> can succeed, and every one writes the same values), then reads again and retries.
/// A change that finds the status already as wanted also looks for an entry at <c>v + 1</c> and completes it before
/// answering. So an entry whose writer died between the two writes (its caller saw an error) takes effect at the next
/// change of that phone instead of blocking it, and no history entry is ever deleted. Until its update lands, an
/// entry is beyond the subscriber's version: <see cref="GetAsync"/> shows the previous state and
/// <see cref="GetHistoryAsync"/> leaves the entry out.
/// </para>
/// <para>
/// Delivery preferences are the optional attributes <c>time_zone</c>, <c>send_time</c>, <c>calendar</c>,
/// <c>paused_until</c> and <c>delivery_channel</c> (absent: the operator's default). <see cref="SetPreferencesAsync"/>
/// and the first entry of a new number set them, and their history items carry the preferences under the same names,
/// so that completing a dead writer's entry writes them too. The email state is likewise optional: <c>email</c> (a
/// WhatsApp subscriber's linked address; an email key's address is its key), <c>email_confirmed_at</c> and
/// <c>email_undeliverable_at</c>, set by <see cref="ChangeEmailAsync"/>, whose history items carry it and the
/// preferences. <c>next_send_at</c> and <c>due_key</c> are, like <c>last_inbound_at</c>, optional attributes that
/// earlier code ignores and keeps, so they need no new schema version. Every item this version writes carries
/// <c>schema_version</c> = 3 (<see cref="ItemSchema"/>); items without it, written earlier, read with the attributes
/// they lack defaulted, and items of a later version are refused: reading one throws
/// <see cref="InvalidOperationException"/>, and no write replaces one.
/// </para>
/// <para>
/// <see cref="RecordInboundAsync"/> is one UpdateItem of the optional <c>last_inbound_at</c> alone, conditioned on the
/// item existing and the stored time being absent or earlier (ISO text compares in time order). Only updates touch it,
/// and they leave attributes they do not name, so it needs no new schema version: earlier code ignores it and keeps it.
/// </para>
/// <para>
/// Items written by the original deployment (no <c>version</c>, <c>created_at</c>, <c>purpose</c> or
/// <c>opted_in</c>; evidence as text or a map) are read as version 0, created when last changed. They appear in the
/// opted-in listing only after <see cref="DynamoDbOptedInBackfill"/> has run, which also makes them and opted-in items
/// written before the due index (no <c>next_send_at</c>) due at its run's time. Timestamps are stored as ISO-8601 UTC
/// with milliseconds; finer fractions are dropped. The store is thread-safe.
/// </para>
/// </remarks>
public sealed class DynamoDbSubscriberStore : ISubscriberStore
{
    private const int MaxPageSize = 1000;

    // A filtered Scan examines this many items at least per call, so that rare statuses take few round trips.
    private const int ScanBatch = 200;

    // Each failed attempt means another change of the phone was committed, so this only bounds pathological contention.
    private const int MaxAttempts = 100;

    private static readonly Dictionary<string, string> WriteNames = new()
    {
        ["#status"] = AttributeNames.ConsentStatus,
        ["#channel"] = AttributeNames.Channel,
        ["#purpose"] = AttributeNames.Purpose,
        ["#source"] = AttributeNames.Source,
        ["#evidence"] = AttributeNames.Evidence,
        ["#ts"] = AttributeNames.TimestampIso,
        ["#created"] = AttributeNames.CreatedAt,
        ["#version"] = AttributeNames.Version,
        ["#optedIn"] = AttributeNames.OptedIn,
        ["#unreachable"] = AttributeNames.UnreachableSince,
        ["#unreachableCode"] = AttributeNames.UnreachableErrorCode,
        [ItemSchema.Name] = AttributeNames.SchemaVersion,
    };

    private readonly IAmazonDynamoDB _client;
    private readonly string _subscribersTable;
    private readonly string _historyTable;

    /// <summary>Creates a store on the subscribers and consent history tables of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">One of those two table names is missing or invalid.</exception>
    public DynamoDbSubscriberStore(IAmazonDynamoDB client, IOptions<DynamoDbOptions> options)
        : this(client, options?.Value!)
    {
    }

    /// <summary>Creates a store on the subscribers and consent history tables of <paramref name="options"/>.</summary>
    /// <exception cref="OptionsValidationException">One of those two table names is missing or invalid.</exception>
    public DynamoDbSubscriberStore(IAmazonDynamoDB client, DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        DynamoDbOptionsValidator.ThrowIfInvalid(options, DynamoDbOptionsValidator.Tables.Subscribers | DynamoDbOptionsValidator.Tables.ConsentHistory);

        _client = client;
        _subscribersTable = options.SubscribersTable;
        _historyTable = options.ConsentHistoryTable;
    }

    /// <inheritdoc />
    public string Kind => "dynamodb";

    /// <inheritdoc />
    public async Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        return await ReadAsync(phone, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        // Undefined enum values fail here, before anything is written.
        _ = change.Status.ToName();
        _ = change.Source.ToName();
        var at = Timestamps.Truncate(change.At);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await ReadAsync(change.Phone, cancellationToken).ConfigureAwait(false);
            if (current is not null && !ConsentRules.Writes(current, change with { At = at }))
            {
                // A pending entry would change the status the caller is told it already has: settle it first.
                var pending = await ReadHistoryEntryAsync(change.Phone, current.Version + 1, cancellationToken).ConfigureAwait(false);
                if (pending is null)
                {
                    return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
                }

                await ApplyAsync(current, pending, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // A new number starts with the change's preferences, carried by its first entry; a known one keeps its own.
            var claim = new HistoryItem(
                new ConsentHistoryEntry(change.Phone, (current?.Version ?? 0) + 1, change.Status, change.Source, change.Evidence, at),
                current is null ? ConsentRules.PreferencesAfter(current, change) : null);
            if (!await TryClaimVersionAsync(claim, cancellationToken).ConfigureAwait(false))
            {
                // Another change holds this version: finish it for its writer (which may have died), then look again.
                var claimed = await ReadHistoryEntryAsync(change.Phone, claim.Entry.Version, cancellationToken).ConfigureAwait(false);
                if (claimed is not null)
                {
                    await ApplyAsync(current, claimed, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            var updated = await ApplyAsync(current, claim, cancellationToken).ConfigureAwait(false);
            return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current?.Status);
        }

        throw new InvalidOperationException(
            $"The consent of {PhoneMask.Mask(change.Phone)} changed concurrently {MaxAttempts} times in a row; nothing was recorded.");
    }

    /// <inheritdoc />
    public async Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var request = new UpdateItemRequest
        {
            TableName = _subscribersTable,
            Key = new() { [AttributeNames.Phone] = new AttributeValue { S = phone } },
            UpdateExpression = "SET #inbound = :at",
            ConditionExpression = $"attribute_exists(#phone) AND (attribute_not_exists(#inbound) OR #inbound < :at) AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#phone"] = AttributeNames.Phone,
                ["#inbound"] = AttributeNames.LastInboundAt,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = new()
            {
                [":at"] = new AttributeValue { S = Timestamps.ToText(at) },
                [ItemSchema.Value] = ItemSchema.CurrentValue,
            },
        };

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

    /// <inheritdoc />
    /// <remarks>
    /// The same two writes as a consent change: the delivery-state entry claims version <c>v + 1</c>, then the item
    /// takes it (the mark's attributes, the entry's source and evidence; the status as it is), so a concurrent
    /// consent change and this one are ordered by version, and a writer that died is completed by the next change.
    /// </remarks>
    public Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        return ChangeKnownAsync(
            change.Phone,
            current => ConsentRules.Writes(current, change),
            current => ConsentRules.Apply(current, change, Timestamps.Truncate(change.At)),
            "its delivery state was not recorded",
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A filtered, consistent Scan for the mark's attribute, meant for operators, in the table's scan order.</remarks>
    public async Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = continuationToken is null ? null : ListToken.Decode(continuationToken, ListToken.UnreachableListing, nameof(continuationToken));
        var wanted = pageSize + 1;
        var items = new List<Subscriber>(wanted);
        Dictionary<string, AttributeValue>? startKey = after is null ? null : new() { [AttributeNames.Phone] = new AttributeValue { S = after } };
        do
        {
            var response = await _client.ScanAsync(
                new ScanRequest
                {
                    TableName = _subscribersTable,
                    FilterExpression = "attribute_exists(#unreachable)",
                    ExpressionAttributeNames = new() { ["#unreachable"] = AttributeNames.UnreachableSince },
                    ExclusiveStartKey = startKey,
                    ConsistentRead = true,
                    Limit = Math.Max(wanted - items.Count, ScanBatch),
                },
                cancellationToken).ConfigureAwait(false);
            items.AddRange((response.Items ?? []).Take(wanted - items.Count).Select(SubscriberItems.ReadSubscriber));
            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (items.Count < wanted && startKey is not null);

        if (items.Count <= pageSize)
        {
            return new SubscriberPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new SubscriberPage(items, ListToken.Encode(ListToken.UnreachableListing, items[^1].Phone));
    }

    /// <inheritdoc />
    /// <remarks>
    /// The same two writes as a consent change: the preference-change entry, carrying the new preferences, claims
    /// version <c>v + 1</c>, then the item takes it (preferences, source, evidence, <c>next_send_at</c> and the due key;
    /// the status as it is). So it is ordered with consent and delivery-state changes by version, and a writer that
    /// died is completed, preferences included, by the next change.
    /// </remarks>
    public Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        DeliveryPreferences.ThrowIfInvalid(change.Preferences, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        _ = change.Source.ToName();
        return ChangeKnownAsync(
            change.Phone,
            current => ConsentRules.Writes(current, change),
            current => ConsentRules.Apply(current, change, Timestamps.Truncate(change.At)),
            "its preferences were not set",
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The same two writes as a preference change: the email-change entry, carrying the email state and the
    /// preferences it leaves (a link may choose the channel, a removal resets it), claims version <c>v + 1</c>, then the
    /// item takes it (the email attributes, the channel, source, evidence, and <c>next_send_at</c> where the change
    /// makes the subscriber due; the status as it is).
    /// </remarks>
    public Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default)
    {
        EmailChange.ThrowIfInvalid(change, nameof(change));

        return ChangeKnownAsync(
            change.Phone,
            current => ConsentRules.Writes(current, change),
            current => ConsentRules.Apply(current, change, Timestamps.Truncate(change.At)),
            "its email change was not recorded",
            cancellationToken);
    }

    /// <summary>
    /// A change of a known subscriber that keeps its status, by the two writes of a consent change: its entry (what
    /// <c>apply</c> makes of the current item) claims version <c>v + 1</c>, then the item takes it. A preference
    /// change's entry carries the preferences, an email change's the preferences and the email state, so that a writer
    /// that died is completed with them.
    /// </summary>
    private async Task<ConsentChangeResult?> ChangeKnownAsync(
        string phone,
        Func<Subscriber, bool> writes,
        Func<Subscriber, Subscriber> apply,
        string notRecorded,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await ReadAsync(phone, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return null;
            }

            var next = await ReadHistoryEntryAsync(phone, current.Version + 1, cancellationToken).ConfigureAwait(false);
            if (next is not null)
            {
                // A change whose item update has not landed: settle it before deciding.
                await ApplyAsync(current, next, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!writes(current))
            {
                return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
            }

            var wanted = apply(current);
            var entry = new ConsentHistoryEntry(phone, wanted.Version, wanted.Status, wanted.Source, wanted.Evidence, wanted.UpdatedAt);
            var claim = new HistoryItem(
                entry,
                entry.IsPreferenceChange || entry.IsEmailChange ? wanted.Preferences : null,
                entry.IsEmailChange ? StoredEmail.Of(wanted) : null);
            if (!await TryClaimVersionAsync(claim, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var updated = await ApplyAsync(current, claim, cancellationToken).ConfigureAwait(false);
            return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current.Status);
        }

        throw new InvalidOperationException(
            $"The subscriber item of {PhoneMask.Mask(phone)} changed concurrently {MaxAttempts} times in a row; {notRecorded}.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// One Query of the sparse index <c>due-index</c> (partition <c>opted_in</c>, held only by recipients; sort key
    /// <c>due_key</c>, see <see cref="DueKeys"/>) for keys up to <paramref name="at"/>, so it reads the due
    /// subscribers and nobody else; the index projects whole items. The token is <see cref="DueCursor"/>'s (time,
    /// phone), from which the query's exclusive start key is rebuilt, so a page continues after that position even
    /// when its last subscriber has been moved on. A global secondary index is eventually consistent: on DynamoDB a
    /// subscriber the tick has just moved may still be listed once, and the tick's conditional move
    /// (<see cref="SetNextSendAtAsync"/>) from the older time then fails.
    /// </remarks>
    public async Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = DueCursor.After(continuationToken);

        var wanted = pageSize + 1;
        var items = new List<Subscriber>(wanted);
        Dictionary<string, AttributeValue>? startKey = after is { } position
            ? new()
            {
                [AttributeNames.Phone] = new AttributeValue { S = position.Phone },
                [AttributeNames.OptedIn] = new AttributeValue { S = AttributeNames.OptedInValue },
                [AttributeNames.DueKey] = new AttributeValue { S = DueKeys.For(position.UnixMilliseconds, position.Phone) },
            }
            : null;
        do
        {
            var response = await _client.QueryAsync(
                new QueryRequest
                {
                    TableName = _subscribersTable,
                    IndexName = AttributeNames.DueIndex,
                    KeyConditionExpression = "#optedIn = :one AND #dueKey <= :upTo",
                    ExpressionAttributeNames = new() { ["#optedIn"] = AttributeNames.OptedIn, ["#dueKey"] = AttributeNames.DueKey },
                    ExpressionAttributeValues = new()
                    {
                        [":one"] = new AttributeValue { S = AttributeNames.OptedInValue },
                        [":upTo"] = new AttributeValue { S = DueKeys.UpTo(at) },
                    },
                    ExclusiveStartKey = startKey,
                    Limit = wanted - items.Count,
                },
                cancellationToken).ConfigureAwait(false);
            items.AddRange((response.Items ?? []).Take(wanted - items.Count).Select(SubscriberItems.ReadSubscriber));
            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (items.Count < wanted && startKey is not null);

        return DueCursor.ToPage(items, pageSize);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UpdateItem of <c>next_send_at</c> and the due key alone, conditioned on the item existing and its
    /// <c>next_send_at</c> being <paramref name="expected"/> (absent for <see langword="null"/>). Whether the item is in
    /// the due index is decided by <c>opted_in</c>, which this leaves alone.
    /// </remarks>
    public async Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        var next = Timestamps.Truncate(nextSendAt);
        var values = new Dictionary<string, AttributeValue>
        {
            [":next"] = ItemValues.NumberValue(next.ToUnixTimeMilliseconds()),
            [":dueKey"] = new AttributeValue { S = DueKeys.For(next, phone) },
            [ItemSchema.Value] = ItemSchema.CurrentValue,
        };
        string stored;
        if (expected is { } value)
        {
            stored = "#next = :expected";
            values[":expected"] = ItemValues.NumberValue(Timestamps.Truncate(value).ToUnixTimeMilliseconds());
        }
        else
        {
            stored = "attribute_not_exists(#next)";
        }

        var request = new UpdateItemRequest
        {
            TableName = _subscribersTable,
            Key = new() { [AttributeNames.Phone] = new AttributeValue { S = phone } },
            UpdateExpression = "SET #next = :next, #dueKey = :dueKey",
            ConditionExpression = $"attribute_exists(#phone) AND {stored} AND {ItemSchema.NotNewer}",
            ExpressionAttributeNames = new()
            {
                ["#phone"] = AttributeNames.Phone,
                ["#next"] = AttributeNames.NextSendAt,
                ["#dueKey"] = AttributeNames.DueKey,
                [ItemSchema.Name] = AttributeNames.SchemaVersion,
            },
            ExpressionAttributeValues = values,
        };

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

    /// <inheritdoc />
    /// <remarks>
    /// Opted-in subscribers come from the sparse index, ordered by phone; other statuses from a filtered Scan, in the
    /// table's (stable) scan order. Each page is filled up to <paramref name="pageSize"/>, and the continuation token
    /// is issued only when another matching subscriber follows. A global secondary index is eventually consistent, so
    /// on DynamoDB a change shows in the opted-in listing a moment after it is recorded.
    /// </remarks>
    public async Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = continuationToken is null ? null : ListToken.Decode(continuationToken, status, nameof(continuationToken));

        // One item more than asked tells whether another page follows, so the last page carries no token.
        var wanted = pageSize + 1;
        var items = new List<Subscriber>(wanted);
        Dictionary<string, AttributeValue>? startKey = after is null ? null : StartKey(status, after);
        do
        {
            // Opted-in numbers marked unreachable carry no index key, so the index lists recipients only.
            var (found, lastKey) = status == ConsentStatus.OptedIn
                ? await QueryOptedInAsync(startKey, wanted - items.Count, cancellationToken).ConfigureAwait(false)
                : await ScanStatusAsync(status, startKey, wanted - items.Count, cancellationToken).ConfigureAwait(false);
            items.AddRange(found.Take(wanted - items.Count).Select(SubscriberItems.ReadSubscriber));
            startKey = lastKey;
        }
        while (items.Count < wanted && startKey is not null);

        if (items.Count <= pageSize)
        {
            return new SubscriberPage(items, null);
        }

        items.RemoveAt(items.Count - 1);
        return new SubscriberPage(items, ListToken.Encode(status, items[^1].Phone));
    }

    /// <inheritdoc />
    /// <remarks>Opted-in subscribers are counted on the sparse index; other statuses by a filtered Scan.</remarks>
    public async Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default)
    {
        long count = 0;
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            if (status == ConsentStatus.OptedIn)
            {
                var query = OptedInQuery(startKey);
                query.Select = Select.COUNT;
                var response = await _client.QueryAsync(query, cancellationToken).ConfigureAwait(false);
                count += response.Count ?? 0;
                startKey = ItemValues.NextKey(response.LastEvaluatedKey);
            }
            else
            {
                var scan = StatusScan(status, startKey);
                scan.Select = Select.COUNT;
                var response = await _client.ScanAsync(scan, cancellationToken).ConfigureAwait(false);
                count += response.Count ?? 0;
                startKey = ItemValues.NextKey(response.LastEvaluatedKey);
            }
        }
        while (startKey is not null);

        return count;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the subscriber's version first and returns only entries up to it, so a change whose subscriber update
    /// has not landed yet is never shown.
    /// </remarks>
    public async Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var subscriber = await ReadAsync(phone, cancellationToken).ConfigureAwait(false);
        if (subscriber is null || subscriber.Version == 0)
        {
            return [];
        }

        var entries = new List<ConsentHistoryEntry>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var query = HistoryQuery(phone, "<=", subscriber.Version);
            query.ExclusiveStartKey = startKey;
            var response = await _client.QueryAsync(query, cancellationToken).ConfigureAwait(false);
            entries.AddRange((response.Items ?? []).Select(SubscriberItems.ReadHistoryEntry));
            startKey = ItemValues.NextKey(response.LastEvaluatedKey);
        }
        while (startKey is not null);

        return entries;
    }

    private static Dictionary<string, AttributeValue> StartKey(ConsentStatus status, string afterPhone)
    {
        var key = new Dictionary<string, AttributeValue> { [AttributeNames.Phone] = new AttributeValue { S = afterPhone } };
        if (status == ConsentStatus.OptedIn)
        {
            key[AttributeNames.OptedIn] = new AttributeValue { S = AttributeNames.OptedInValue };
        }

        return key;
    }

    private async Task<Subscriber?> ReadAsync(string phone, CancellationToken cancellationToken)
    {
        var response = await _client.GetItemAsync(
            new GetItemRequest
            {
                TableName = _subscribersTable,
                Key = new() { [AttributeNames.Phone] = new AttributeValue { S = phone } },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? SubscriberItems.ReadSubscriber(item) : null;
    }

    // A Query rather than GetItem: the deployment grants the history table PutItem and Query only.
    private async Task<HistoryItem?> ReadHistoryEntryAsync(string phone, long version, CancellationToken cancellationToken)
    {
        var response = await _client.QueryAsync(HistoryQuery(phone, "=", version), cancellationToken).ConfigureAwait(false);
        return response.Items is { Count: > 0 } items
            ? new HistoryItem(SubscriberItems.ReadHistoryEntry(items[0]), SubscriberItems.ReadPreferences(items[0]), SubscriberItems.ReadEmail(items[0]))
            : null;
    }

    /// <summary>Puts <paramref name="claim"/> unless its version is taken; returns whether it did.</summary>
    private async Task<bool> TryClaimVersionAsync(HistoryItem claim, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = _historyTable,
                    Item = SubscriberItems.WriteHistoryEntry(claim.Entry, claim.Preferences, claim.Email),
                    ConditionExpression = "attribute_not_exists(#phone)",
                    ExpressionAttributeNames = new() { ["#phone"] = AttributeNames.Phone },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Brings the subscriber item from <paramref name="current"/> (version <c>entry.Version - 1</c>, or none) to
    /// <paramref name="claim"/>'s entry, unless someone already has; returns the subscriber as of that entry.
    /// </summary>
    private async Task<Subscriber> ApplyAsync(Subscriber? current, HistoryItem claim, CancellationToken cancellationToken)
    {
        var entry = claim.Entry;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var version = current?.Version ?? 0;
            var state = ConsentRules.DeliveryStateOf(entry) ?? (current?.UnreachableSince, current?.UnreachableErrorCode);

            // What the entry sets: the first entry of a new number and a preference or email change carry the
            // preferences, an email change the email state.
            var preferences = current is null || entry.IsPreferenceChange || entry.IsEmailChange ? claim.Preferences : null;
            var email = entry.IsEmailChange ? claim.Email ?? new StoredEmail(null, null, null) : null;
            var setsNext = SetsNextSendAt(entry);
            var applied = new Subscriber
            {
                Phone = entry.Phone,
                Addresses = email is not null || current is null
                    ? SubscriberAddresses.ForKey(entry.Phone, email?.Address)
                    : current.Addresses,
                Channel = AddressKey.ConsentChannelOf(entry.Phone),
                Status = entry.Status,
                Purpose = ConsentNames.DailyMitzvotPurpose,
                Source = entry.Source,
                Evidence = entry.Evidence,
                CreatedAt = current?.CreatedAt ?? entry.RecordedAt,
                UpdatedAt = entry.RecordedAt,
                Version = entry.Version,
                Preferences = preferences ?? current?.Preferences ?? DeliveryPreferences.OperatorDefaults,
                UnreachableSince = state.Since,
                UnreachableErrorCode = state.ErrorCode,
                NextSendAt = setsNext ? entry.RecordedAt : current?.NextSendAt,
                EmailConfirmedAt = email is not null ? email.ConfirmedAt : current?.EmailConfirmedAt,
                EmailUndeliverableAt = email is not null ? email.UndeliverableAt : current?.EmailUndeliverableAt,
            };
            if (version >= entry.Version)
            {
                return applied;
            }

            if (version != entry.Version - 1)
            {
                throw new InvalidOperationException(
                    $"The consent history of {PhoneMask.Mask(entry.Phone)} holds version {entry.Version} while the subscriber is at version {version}.");
            }

            try
            {
                // The item as written: what unversioned writes set since current was read (the inbound time, a tick's move) shows.
                var response = await _client.UpdateItemAsync(UpdateRequest(current, applied, preferences, email, setsNext), cancellationToken).ConfigureAwait(false);
                return SubscriberItems.ReadSubscriber(response.Attributes);
            }
            catch (ConditionalCheckFailedException)
            {
                // Usually a concurrent caller applied this very entry; read again to know.
                current = await ReadAsync(entry.Phone, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"The subscriber item of {PhoneMask.Mask(entry.Phone)} kept changing; version {entry.Version} was not applied.");
    }

    /// <summary>
    /// Whether the change an entry records sets <see cref="Subscriber.NextSendAt"/> to its time, as
    /// <see cref="ConsentRules"/> decides: an opt-in, a cleared mark, a preference change, and linking or confirming
    /// the address of an opted-in subscriber do; other changes keep it (and leave the item's time unnamed, so that a
    /// tick's move meanwhile is not undone).
    /// </summary>
    private static bool SetsNextSendAt(ConsentHistoryEntry entry) =>
        entry.IsPreferenceChange
        || entry.Evidence.DeliveryState == ConsentNames.Reachable
        || (entry.Status == ConsentStatus.OptedIn && (entry.IsEmailChange
            ? entry.Evidence.EmailState is ConsentNames.EmailLinked or ConsentNames.EmailConfirmed
            : !entry.IsDeliveryStateChange));

    private UpdateItemRequest UpdateRequest(
        Subscriber? current, Subscriber applied, DeliveryPreferences? preferences, StoredEmail? email, bool setsNextSendAt)
    {
        var names = new Dictionary<string, string>(WriteNames);
        var values = new Dictionary<string, AttributeValue>
        {
            [":status"] = new AttributeValue { S = applied.Status.ToName() },
            [":channel"] = new AttributeValue { S = applied.Channel },
            [":purpose"] = new AttributeValue { S = applied.Purpose },
            [":source"] = new AttributeValue { S = applied.Source.ToName() },
            [":evidence"] = new AttributeValue { S = applied.Evidence.ToJson() },
            [":ts"] = new AttributeValue { S = Timestamps.ToText(applied.UpdatedAt) },
            [":created"] = new AttributeValue { S = Timestamps.ToText(applied.CreatedAt) },
            [":version"] = ItemValues.NumberValue(applied.Version),
            [ItemSchema.Value] = ItemSchema.CurrentValue,
        };

        // Preferences, the email state and the next send time are named only by the entries that set them; others
        // leave them as they are.
        var update = "SET #status = :status, #channel = :channel, #purpose = :purpose, #source = :source, "
            + $"#evidence = :evidence, #ts = :ts, #created = :created, #version = :version, {ItemSchema.Name} = {ItemSchema.Value}";
        var remove = new List<string>();
        if (setsNextSendAt && applied.NextSendAt is { } next)
        {
            update += ", #next = :next, #dueKey = :dueKey";
            names["#next"] = AttributeNames.NextSendAt;
            names["#dueKey"] = AttributeNames.DueKey;
            values[":next"] = ItemValues.NumberValue(next.ToUnixTimeMilliseconds());
            values[":dueKey"] = new AttributeValue { S = DueKeys.For(next, applied.Phone) };
        }

        var optional = (preferences is null ? [] : SubscriberItems.PreferenceAttributes(preferences))
            .Concat(email is null ? [] : SubscriberItems.EmailAttributes(email));
        var (set, unset) = SubscriberItems.WriteOptional(optional, names, values);
        update += string.Concat(set.Select(assignment => ", " + assignment));
        remove.AddRange(unset);

        if (applied.UnreachableSince is { } since)
        {
            update += ", #unreachable = :since";
            values[":since"] = new AttributeValue { S = Timestamps.ToText(since) };
            if (applied.UnreachableErrorCode is { } code)
            {
                update += ", #unreachableCode = :code";
                values[":code"] = new AttributeValue { S = code };
            }
            else
            {
                remove.Add("#unreachableCode");
            }
        }
        else
        {
            remove.Add("#unreachable");
            remove.Add("#unreachableCode");
        }

        if (applied.Status == ConsentStatus.OptedIn && !applied.IsUnreachable)
        {
            update += ", #optedIn = :one";
            values[":one"] = new AttributeValue { S = AttributeNames.OptedInValue };
        }
        else
        {
            remove.Add("#optedIn");
        }

        update += " REMOVE " + string.Join(", ", remove);

        string condition;
        if (current is null)
        {
            condition = "attribute_not_exists(#phone)";
            names["#phone"] = AttributeNames.Phone;
        }
        else if (current.Version == 0)
        {
            // An item of the original deployment: it has no version attribute (or a zero one).
            condition = $"attribute_exists(#phone) AND (attribute_not_exists(#version) OR #version = :expected) AND {ItemSchema.NotNewer}";
            names["#phone"] = AttributeNames.Phone;
            values[":expected"] = ItemValues.NumberValue(0);
        }
        else
        {
            condition = $"#version = :expected AND {ItemSchema.NotNewer}";
            values[":expected"] = ItemValues.NumberValue(current.Version);
        }

        return new UpdateItemRequest
        {
            TableName = _subscribersTable,
            Key = new() { [AttributeNames.Phone] = new AttributeValue { S = applied.Phone } },
            UpdateExpression = update,
            ConditionExpression = condition,
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
            ReturnValues = ReturnValue.ALL_NEW,
        };
    }

    private async Task<(List<Dictionary<string, AttributeValue>> Items, Dictionary<string, AttributeValue>? LastKey)> QueryOptedInAsync(
        Dictionary<string, AttributeValue>? startKey, int limit, CancellationToken cancellationToken)
    {
        var query = OptedInQuery(startKey);
        query.Limit = limit;
        var response = await _client.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        return (response.Items ?? [], ItemValues.NextKey(response.LastEvaluatedKey));
    }

    private async Task<(List<Dictionary<string, AttributeValue>> Items, Dictionary<string, AttributeValue>? LastKey)> ScanStatusAsync(
        ConsentStatus status, Dictionary<string, AttributeValue>? startKey, int limit, CancellationToken cancellationToken)
    {
        var scan = StatusScan(status, startKey);
        scan.Limit = Math.Max(limit, ScanBatch);
        var response = await _client.ScanAsync(scan, cancellationToken).ConfigureAwait(false);
        return (response.Items ?? [], ItemValues.NextKey(response.LastEvaluatedKey));
    }

    /// <summary>The opted-in subscribers: the whole sparse index, in phone order.</summary>
    private QueryRequest OptedInQuery(Dictionary<string, AttributeValue>? startKey) => new()
    {
        TableName = _subscribersTable,
        IndexName = AttributeNames.OptedInIndex,
        KeyConditionExpression = "#optedIn = :one",
        ExpressionAttributeNames = new() { ["#optedIn"] = AttributeNames.OptedIn },
        ExpressionAttributeValues = new() { [":one"] = new AttributeValue { S = AttributeNames.OptedInValue } },
        ExclusiveStartKey = startKey,
    };

    /// <summary>The subscribers with <paramref name="status"/>: a filtered, consistent Scan of the table.</summary>
    private ScanRequest StatusScan(ConsentStatus status, Dictionary<string, AttributeValue>? startKey) => new()
    {
        TableName = _subscribersTable,
        FilterExpression = "#status = :status",
        ExpressionAttributeNames = new() { ["#status"] = AttributeNames.ConsentStatus },
        ExpressionAttributeValues = new() { [":status"] = new AttributeValue { S = status.ToName() } },
        ExclusiveStartKey = startKey,
        ConsistentRead = true,
    };

    /// <summary>The phone's history entries whose version is <paramref name="comparison"/> (<c>=</c>, <c>&lt;=</c>) <paramref name="version"/>.</summary>
    private QueryRequest HistoryQuery(string phone, string comparison, long version) => new()
    {
        TableName = _historyTable,
        KeyConditionExpression = $"#phone = :phone AND #version {comparison} :version",
        ExpressionAttributeNames = new() { ["#phone"] = AttributeNames.Phone, ["#version"] = AttributeNames.Version },
        ExpressionAttributeValues = new()
        {
            [":phone"] = new AttributeValue { S = phone },
            [":version"] = ItemValues.NumberValue(version),
        },
        ConsistentRead = true,
    };

    /// <summary>A history entry with the preferences and email state its item carries (read back: none where it carries none).</summary>
    private sealed record HistoryItem(ConsentHistoryEntry Entry, DeliveryPreferences? Preferences, StoredEmail? Email = null);
}
