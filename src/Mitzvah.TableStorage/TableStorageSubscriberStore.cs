using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Mitzvah.Core.Consent;

namespace Mitzvah.TableStorage;

/// <summary>Subscribers and their consent history in Azure Table Storage.</summary>
/// <remarks>
/// <para>
/// <b>Subscribers</b> (<c>{prefix}Subscribers</c>): every subscriber is one entity with PartitionKey
/// <c>"subscriber"</c>, RowKey the phone number (or email key) and the status as a plain <c>Status</c> property. The key never
/// changes with the status, because moving an entity between partitions takes two writes that cannot be made atomic,
/// and the subscriber entity is then the single place where a change becomes visible. Listing a status is a range
/// query on that one partition, ordered by RowKey, with <c>Status eq '…'</c> evaluated by the service: rows with
/// another status, opted-out numbers included, are never sent to the caller. A status-partitioned index would avoid
/// the server-side scan but needs a second write per change and repair after a crash; one partition serves about
/// 2,000 entities per second, ample for the listings of the operator's commands.
/// </para>
/// <para>
/// <b>Due index</b>: Table Storage has no secondary index, so the send tick's index lives in the same partition, where
/// an entity group transaction can write it together with the subscriber. Each subscriber that is opted in, not
/// unreachable and has a <c>NextSendAt</c> (UTC milliseconds) has exactly one index entity, RowKey
/// <c>~due~{milliseconds:D15}~{phone}</c>, which sorts after every phone and by (time, phone) among itself. It has no
/// <c>Status</c> or <c>UnreachableSince</c>, so status and unreachable listings and counts never match it. Every write
/// that changes the due key (a consent, delivery-state or preference change, <see cref="SetNextSendAtAsync"/>) is one
/// transaction: the subscriber replaced with <c>If-Match</c>, the old index entity deleted, the new one upserted; a
/// write that leaves the key as it is writes the subscriber alone. <see cref="ListDueAsync"/> is one RowKey range
/// query of the index and a point read of each due subscriber: nobody else is read. The status listings' server-side
/// scan passes over the index entities too (at most one per subscriber) without returning them.
/// </para>
/// <para>
/// <b>History</b> (<c>{prefix}ConsentHistory</c>): PartitionKey the phone number, RowKey the version zero-padded to
/// ten digits, so a partition query returns the history oldest first. Entries are only ever inserted.
/// </para>
/// <para>
/// <b>Changes</b> use only conditional writes. <see cref="RecordConsentAsync"/> reads the subscriber with its ETag;
/// if the status is already the wanted one it returns without writing. Otherwise it writes version n + 1 of the
/// subscriber, insert-only for a new number and with <c>If-Match</c> on the ETag it read for a known one, and then
/// inserts history entry n + 1, whose every field comes from the new subscriber entity. The conditional subscriber
/// write is the linearization point: of concurrent changes of one phone only one can move version n to n + 1, and the
/// losers (409 or 412) read again and retry, at most <c>100</c> times; each loss means another change succeeded.
/// </para>
/// <para>
/// Because a history entry is derived from the subscriber entity of its version, anyone can write it, and writing it
/// twice is harmless (the insert of an identical entry fails with 409, which is ignored). A writer that dies between
/// its two writes therefore leaves nothing to undo: before moving a subscriber past version n a change makes sure
/// entry n exists, so history never has gaps, and <see cref="GetHistoryAsync"/> writes a missing latest entry before
/// returning it. <see cref="GetHistoryAsync"/> reads the subscriber first and returns entries up to its version only,
/// so status and history never disagree, even while a change is in flight.
/// </para>
/// <para>
/// <b>Preferences</b> are the optional string properties <c>TimeZone</c>, <c>SendTime</c>, <c>Calendar</c>,
/// <c>PausedUntil</c> and <c>DeliveryChannel</c> of the subscriber entity (absent: the operator's default). A
/// preference change is versioned and recorded in the history like a delivery-state change. <b>Email</b>: RowKeys are
/// <see cref="AddressKey"/>s, so an email-only subscriber's RowKey is <c>mailto:</c> and its address (which sorts
/// between the numbers' <c>+</c> and the index's <c>~</c>); a WhatsApp subscriber's linked address is the optional
/// <c>Email</c>, and <c>EmailConfirmedAt</c> and <c>EmailUndeliverableAt</c> its state. An email change is versioned
/// like a preference change.
/// </para>
/// <para>
/// <b>Schema versions</b>: every entity this version writes carries <c>SchemaVersion</c> = 4 (absent: 1; 2 added the
/// preferences; 3 <c>NextSendAt</c> and the due index; 4 email keys, the email properties and <c>DeliveryChannel</c>).
/// Entities of an earlier version read with what they lack defaulted, and an entity of a later version is refused
/// (reading it throws <see cref="InvalidOperationException"/>), so that a replace never drops properties this version
/// does not know; earlier code likewise refuses entities of a version it does not know, so it cannot drop their
/// <c>NextSendAt</c> or email state. Subscribers written before version 3 have no index entity: the
/// first <see cref="ListDueAsync"/> of each store instance reads the marker entity <c>~migration~due-index</c> (one
/// point read) and, only while it is missing, gives every opted-in, reachable subscriber without a <c>NextSendAt</c>
/// the tick's time and its index entity (one pass over the opted-in rows), then writes the marker. A subscribers
/// table the store creates itself gets the marker at once.
/// </para>
/// <para>Timestamps are stored as UTC with milliseconds; finer fractions are dropped. Thread-safe.</para>
/// </remarks>
public sealed class TableStorageSubscriberStore : ISubscriberStore
{
    /// <summary>The one partition of the subscribers table.</summary>
    public const string SubscriberPartition = "subscriber";

    private const int MaxPageSize = 1000;
    private const int ServiceMaxPerPage = 1000;
    private const int MaxAttempts = 100;
    private const int PointReadParallelism = 16;
    private const int DeleteActionIndex = 1;

    // Sorts after the index entities ('m' > 'd') and, like them, carries no subscriber property.
    private const string DueIndexMarker = "~migration~due-index";

    private const string Channel = "Channel";
    private const string Status = "Status";
    private const string Purpose = "Purpose";
    private const string Source = "Source";
    private const string Evidence = "Evidence";
    private const string CreatedAt = "CreatedAt";
    private const string UpdatedAt = "UpdatedAt";
    private const string RecordedAt = "RecordedAt";
    private const string Version = "Version";
    private const string TimeZone = "TimeZone";
    private const string SendTime = "SendTime";
    private const string Calendar = "Calendar";
    private const string PausedUntil = "PausedUntil";

    // The channel choice; Channel is the consent's channel.
    private const string DeliveryChannel = "DeliveryChannel";

    // A WhatsApp subscriber's linked address (an email key's address is its RowKey), and when it was confirmed or refused.
    private const string Email = "Email";
    private const string EmailConfirmedAt = "EmailConfirmedAt";
    private const string EmailUndeliverableAt = "EmailUndeliverableAt";
    private const string LastInboundAt = "LastInboundAt";
    private const string UnreachableSince = "UnreachableSince";
    private const string UnreachableErrorCode = "UnreachableErrorCode";
    private const string NextSendAt = "NextSendAt";
    private const string BackfilledAt = "BackfilledAt";

    // Any stored instant is later: a comparison that only an entity with the property passes.
    private static readonly DateTimeOffset NoEarlier = new(1601, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly TableClient _subscribers;
    private readonly TableClient _history;
    private readonly TableProvisioner _provisioner;
    private bool _dueIndexReady;

    /// <summary>Creates a store on the tables named with <paramref name="tablePrefix"/>. They are created on first use.</summary>
    /// <exception cref="ArgumentException">The prefix does not make valid table names.</exception>
    public TableStorageSubscriberStore(TableServiceClient serviceClient, string tablePrefix = TableStorageOptions.DefaultTablePrefix)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        var names = new TableStorageOptions { TablePrefix = TableNames.ThrowIfInvalidPrefix(tablePrefix, nameof(tablePrefix)) };
        _subscribers = serviceClient.GetTableClient(names.SubscribersTableName);
        _history = serviceClient.GetTableClient(names.ConsentHistoryTableName);
        _provisioner = new TableProvisioner(MarkFreshTableAsync, _subscribers, _history);
    }

    /// <inheritdoc />
    public string Kind => "table-storage";

    /// <inheritdoc />
    public async Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var entity = await ReadSubscriberAsync(phone, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ToSubscriber(entity);
    }

    /// <inheritdoc />
    public async Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        var at = TableValues.ToUtcMilliseconds(change.At);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadSubscriberAsync(change.Phone, cancellationToken).ConfigureAwait(false);
            var current = entity is null ? null : ToSubscriber(entity);
            if (current is not null && !ConsentRules.Writes(current, change with { At = at }))
            {
                return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
            }

            if (current is not null)
            {
                await EnsureHistoryAsync(current, cancellationToken).ConfigureAwait(false);
            }

            var updated = new Subscriber
            {
                Phone = change.Phone,
                Addresses = current?.Addresses ?? SubscriberAddresses.ForKey(change.Phone, storedEmail: null),
                Channel = AddressKey.ConsentChannelOf(change.Phone),
                Status = change.Status,
                Purpose = ConsentNames.DailyMitzvotPurpose,
                Source = change.Source,
                Evidence = change.Evidence,
                CreatedAt = current?.CreatedAt ?? at,
                UpdatedAt = at,
                Version = (current?.Version ?? 0) + 1,

                // Read with the ETag the replace requires, so a concurrent preference change is never lost.
                Preferences = ConsentRules.PreferencesAfter(current, change),
                NextSendAt = ConsentRules.NextSendAtAfter(current, change, at),
                LastInboundAt = current?.LastInboundAt,
                UnreachableSince = current?.UnreachableSince,
                UnreachableErrorCode = current?.UnreachableErrorCode,
                EmailConfirmedAt = current?.EmailConfirmedAt,
                EmailUndeliverableAt = current?.EmailUndeliverableAt,
            };
            if (!await TryWriteAsync(entity, current, updated, cancellationToken).ConfigureAwait(false))
            {
                // Another change of this phone won: read again and decide anew.
                continue;
            }

            await InsertHistoryAsync(updated, cancellationToken).ConfigureAwait(false);
            return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current?.Status);
        }

        throw new InvalidOperationException($"The consent change lost {MaxAttempts} races in a row to other changes of the same number.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Replaces the subscriber entity with <c>If-Match</c> on the ETag it read, keeping everything but the time; a
    /// lost race (412) reads again and decides again, so the time only moves forward under concurrency.
    /// </remarks>
    public async Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        var stored = TableValues.ToUtcMilliseconds(at);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadSubscriberAsync(phone, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return false;
            }

            var current = ToSubscriber(entity);
            if (current.LastInboundAt >= stored)
            {
                return false;
            }

            if (await TryWriteAsync(entity, current, current with { LastInboundAt = stored }, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            // Another change of this phone came first: decide again on what it wrote.
        }

        throw new InvalidOperationException($"The inbound time lost {MaxAttempts} races in a row to other changes of the same number.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Like a consent change: version n + 1 of the subscriber (the mark set or cleared, the entry's source and evidence,
    /// the status kept) with <c>If-Match</c>, with the move of its index entity, then history entry n + 1 derived from it.
    /// </remarks>
    public Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), "delivery-state", cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A range query of the one partition with <c>UnreachableSince ge …</c>, which only marked rows pass (a missing
    /// property fails every comparison), so unmarked rows are never sent.
    /// </remarks>
    public async Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = PhoneCursor.After(continuationToken);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberPartition} and RowKey gt {after} and UnreachableSince ge {NoEarlier}");
        var query = _subscribers.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, ServiceMaxPerPage), cancellationToken: cancellationToken);
        var fetched = new List<Subscriber>(pageSize + 1);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            fetched.Add(ToSubscriber(entity));
            if (fetched.Count > pageSize)
            {
                break;
            }
        }

        return PhoneCursor.ToPage(fetched, pageSize);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Like a delivery-state change: version n + 1 of the subscriber (<see cref="ConsentRules.Apply(Subscriber, PreferenceChange, DateTimeOffset)"/>)
    /// with <c>If-Match</c>, with the move of its index entity, then history entry n + 1 derived from it; a lost race
    /// (412) reads again and decides again.
    /// </remarks>
    public Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        DeliveryPreferences.ThrowIfInvalid(change.Preferences, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), "preference", cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Like a preference change: version n + 1 of the subscriber (<see cref="ConsentRules.Apply(Subscriber, EmailChange, DateTimeOffset)"/>,
    /// the email properties and the channel choice as it leaves them) with <c>If-Match</c>, with the move of its index
    /// entity, then history entry n + 1 derived from it; a lost race (412) reads again and decides again.
    /// </remarks>
    public Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default)
    {
        EmailChange.ThrowIfInvalid(change, nameof(change));

        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), "email", cancellationToken);
    }

    /// <summary>
    /// A change of a known subscriber that keeps its status: version n + 1 with <c>If-Match</c> (and the move of its
    /// index entity), then history entry n + 1 derived from it; a lost race (412) reads again and decides again.
    /// </summary>
    private async Task<ConsentChangeResult?> ChangeKnownAsync(
        string phone,
        DateTimeOffset changeAt,
        Func<Subscriber, bool> writes,
        Func<Subscriber, DateTimeOffset, Subscriber> apply,
        string kind,
        CancellationToken cancellationToken)
    {
        var at = TableValues.ToUtcMilliseconds(changeAt);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadSubscriberAsync(phone, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return null;
            }

            var current = ToSubscriber(entity);
            if (!writes(current))
            {
                return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
            }

            await EnsureHistoryAsync(current, cancellationToken).ConfigureAwait(false);
            var updated = apply(current, at);
            if (!await TryWriteAsync(entity, current, updated, cancellationToken).ConfigureAwait(false))
            {
                // Another change of this phone came first: decide again on top of it.
                continue;
            }

            await InsertHistoryAsync(updated, cancellationToken).ConfigureAwait(false);
            return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current.Status);
        }

        throw new InvalidOperationException($"The {kind} change lost {MaxAttempts} races in a row to other changes of the same number.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// One range query of the index entities from the token's RowKey (or <c>~due~</c>) to the bound of
    /// <paramref name="at"/>, selecting RowKeys only, then one point read of each page item's subscriber entity. A
    /// subscriber whose stored due key no longer is the index entry's (a change moved it after the query) is left out;
    /// the entry it moved to is listed where it belongs. The token is the page's last index RowKey, Base64url-encoded.
    /// </para>
    /// <para>
    /// The first call of a store instance makes sure subscribers written before schema version 3 are indexed: one point
    /// read of a marker entity, and only while the marker is missing, the backfill (<see cref="BackfillDueIndexAsync"/>).
    /// </para>
    /// </remarks>
    public async Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = DueIndex.After(continuationToken);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await EnsureDueIndexAsync(at, cancellationToken).ConfigureAwait(false);

        // No index RowKey equals the bare prefix, so "gt" serves the first page as well.
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {SubscriberPartition} and RowKey gt {after ?? DueIndex.Prefix} and RowKey lt {DueIndex.UpperBound(at)}");
        var query = _subscribers.QueryAsync<TableEntity>(
            filter, maxPerPage: Math.Min(pageSize + 1, ServiceMaxPerPage), select: ["RowKey"], cancellationToken: cancellationToken);
        var keys = new List<string>(pageSize + 1);
        await foreach (var row in query.ConfigureAwait(false))
        {
            keys.Add(row.RowKey);
            if (keys.Count > pageSize)
            {
                break;
            }
        }

        // One key more than asked tells whether another page follows; its subscriber is not read.
        var pageKeys = keys.Count > pageSize ? keys.GetRange(0, pageSize) : keys;
        var entities = new TableEntity?[pageKeys.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, pageKeys.Count),
            new ParallelOptions { MaxDegreeOfParallelism = PointReadParallelism, CancellationToken = cancellationToken },
            async (i, token) => entities[i] = await ReadSubscriberAsync(DueIndex.PhoneOf(pageKeys[i]), token).ConfigureAwait(false))
            .ConfigureAwait(false);

        var items = new List<Subscriber>(pageKeys.Count);
        for (var i = 0; i < pageKeys.Count; i++)
        {
            if (entities[i] is { } entity && ToSubscriber(entity) is var subscriber
                && DueIndex.KeyOf(subscriber) == pageKeys[i] && subscriber.NextSendAt <= at)
            {
                items.Add(subscriber);
            }
        }

        return new SubscriberPage(items, keys.Count > pageSize ? DueIndex.ToToken(pageKeys[^1]) : null);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Replaces the subscriber entity with <c>If-Match</c> on the ETag it read, together with the move of its index
    /// entity in one entity group transaction; a lost race (412) reads again and compares again, so of concurrent moves
    /// from one time exactly one lands.
    /// </remarks>
    public async Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        var expectedStored = expected is { } value ? TableValues.ToUtcMilliseconds(value) : (DateTimeOffset?)null;
        var stored = TableValues.ToUtcMilliseconds(nextSendAt);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadSubscriberAsync(phone, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return false;
            }

            var current = ToSubscriber(entity);
            if (current.NextSendAt != expectedStored)
            {
                return false;
            }

            if (await TryWriteAsync(entity, current, current with { NextSendAt = stored }, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException($"The next send time lost {MaxAttempts} races in a row to other changes of the same number.");
    }

    /// <inheritdoc />
    /// <remarks>
    /// Pages are ordered by phone; the continuation token names the last phone of the page (<see cref="PhoneCursor"/>),
    /// and the next page is a fresh query that starts after it. Service pages are read until the page is full, since a
    /// filtered query may return short or empty pages. The opted-in listing drops the rows marked unreachable as it
    /// reads them: the service cannot test for a property's absence (entities written before the mark existed lack
    /// it), and marked numbers are few.
    /// </remarks>
    public async Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = PhoneCursor.After(continuationToken);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberPartition} and RowKey gt {after} and Status eq {status.ToName()}");

        // One item more than asked tells whether another page follows.
        var query = _subscribers.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(pageSize + 1, ServiceMaxPerPage), cancellationToken: cancellationToken);
        var fetched = new List<Subscriber>(pageSize + 1);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            var subscriber = ToSubscriber(entity);
            if (status == ConsentStatus.OptedIn && subscriber.IsUnreachable)
            {
                continue;
            }

            fetched.Add(subscriber);
            if (fetched.Count > pageSize)
            {
                break;
            }
        }

        return PhoneCursor.ToPage(fetched, pageSize);
    }

    /// <inheritdoc />
    /// <remarks>Counts keys only (and, for opted-in rows, the mark, which is left out of the count).</remarks>
    public async Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default)
    {
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberPartition} and Status eq {status.ToName()}");
        var query = _subscribers.QueryAsync<TableEntity>(filter, maxPerPage: ServiceMaxPerPage, select: ["RowKey", UnreachableSince], cancellationToken: cancellationToken);
        long count = 0;
        await foreach (var row in query.ConfigureAwait(false))
        {
            if (status != ConsentStatus.OptedIn || row.GetDateTimeOffset(UnreachableSince) is null)
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var entity = await ReadSubscriberAsync(phone, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return [];
        }

        // Entries past the version just read belong to changes that were not visible yet when it was read.
        var subscriber = ToSubscriber(entity);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {phone} and RowKey le {VersionKey(subscriber.Version)}");
        var entries = new List<ConsentHistoryEntry>();
        await foreach (var row in _history.QueryAsync<TableEntity>(filter, maxPerPage: ServiceMaxPerPage, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(ToHistoryEntry(row));
        }

        if (entries.Count == 0 || entries[^1].Version != subscriber.Version)
        {
            // The change that produced this version is still in flight or died before writing its entry.
            await InsertHistoryAsync(subscriber, cancellationToken).ConfigureAwait(false);
            entries.Add(HistoryEntryOf(subscriber));
        }

        return entries;
    }

    /// <summary>
    /// Writes <paramref name="updated"/> over <paramref name="entity"/> (<see langword="null"/>: a new number, inserted),
    /// conditional on the ETag read, together with the move of its index entity when its due key changes.
    /// </summary>
    /// <returns>Whether it was written; false when another writer came first (409, 412 or 404), to read again.</returns>
    private async Task<bool> TryWriteAsync(TableEntity? entity, Subscriber? current, Subscriber updated, CancellationToken cancellationToken)
    {
        var oldKey = current is null ? null : DueIndex.KeyOf(current);
        var newKey = DueIndex.KeyOf(updated);
        var written = ToEntity(updated);
        try
        {
            if (oldKey == newKey)
            {
                // The index entity, if any, stays as it is: a plain conditional write of the subscriber.
                if (entity is null)
                {
                    await _subscribers.AddEntityAsync(written, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _subscribers.UpdateEntityAsync(written, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }

            await SubmitMoveAsync(entity, written, oldKey, newKey, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException exception)
            when (exception.Status == (int)HttpStatusCode.NotFound && exception.FailedTransactionActionIndex == DeleteActionIndex)
        {
            // The subscriber's condition held but its index entity was missing (removed by hand): move without deleting it.
            return await TryWriteWithoutDeleteAsync(entity, written, newKey, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (TableValues.IsLostRace(exception) || exception.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<bool> TryWriteWithoutDeleteAsync(TableEntity? entity, TableEntity written, string? newKey, CancellationToken cancellationToken)
    {
        try
        {
            await SubmitMoveAsync(entity, written, oldKey: null, newKey, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException exception) when (TableValues.IsLostRace(exception) || exception.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// One entity group transaction: the conditional subscriber write first (so a lost race fails at index 0), then the
    /// delete of the old index entity, then the new one, so that the index changes exactly when the subscriber does.
    /// </summary>
    private async Task SubmitMoveAsync(TableEntity? entity, TableEntity written, string? oldKey, string? newKey, CancellationToken cancellationToken)
    {
        var actions = new List<TableTransactionAction>(3)
        {
            entity is null
                ? new TableTransactionAction(TableTransactionActionType.Add, written)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, written, entity.ETag),
        };
        if (oldKey is not null)
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(SubscriberPartition, oldKey), ETag.All));
        }

        if (newKey is not null)
        {
            // An upsert, so that a leftover entity of the same key cannot block the move.
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, DueIndex.Entity(SubscriberPartition, newKey)));
        }

        await _subscribers.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A subscribers table this store created holds nothing to backfill: it gets the marker at once.</summary>
    private async Task MarkFreshTableAsync(TableClient table)
    {
        if (table == _subscribers)
        {
            await WriteDueIndexMarkerAsync(backfilledAt: null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WriteDueIndexMarkerAsync(DateTimeOffset? backfilledAt, CancellationToken cancellationToken)
    {
        var marker = new TableEntity(SubscriberPartition, DueIndexMarker)
        {
            [TableValues.SchemaVersionProperty] = TableValues.SubscriberSchemaVersion,
        };
        if (backfilledAt is { } at)
        {
            marker[BackfilledAt] = at;
        }

        await _subscribers.UpsertEntityAsync(marker, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Once per instance: runs the backfill unless the marker says a previous run completed it (or none was needed).</summary>
    private async Task EnsureDueIndexAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _dueIndexReady))
        {
            return;
        }

        var marker = await _subscribers.GetEntityIfExistsAsync<TableEntity>(SubscriberPartition, DueIndexMarker, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!marker.HasValue)
        {
            var stored = TableValues.ToUtcMilliseconds(at);
            await BackfillDueIndexAsync(stored, cancellationToken).ConfigureAwait(false);
            await WriteDueIndexMarkerAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _dueIndexReady, true);
    }

    /// <summary>
    /// Gives every opted-in, reachable subscriber without a next send time (written before schema version 3, which
    /// have no index entity) the time <paramref name="at"/> and its index entity, so that it is due at once and the
    /// tick works out its real moment.
    /// </summary>
    /// <remarks>
    /// Reads the opted-in rows once; each write is the usual conditional move, so a concurrent change wins and is
    /// decided again, and a run that dies part-way is simply run again (the marker is written only after it).
    /// </remarks>
    private async Task BackfillDueIndexAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SubscriberPartition} and Status eq {ConsentStatus.OptedIn.ToName()}");
        await foreach (var row in _subscribers.QueryAsync<TableEntity>(filter, maxPerPage: ServiceMaxPerPage, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var entity = row;
            for (var attempt = 0; entity is not null && attempt < MaxAttempts; attempt++)
            {
                var current = ToSubscriber(entity);
                if (current.Status != ConsentStatus.OptedIn || current.IsUnreachable || current.NextSendAt is not null
                    || await TryWriteAsync(entity, current, current with { NextSendAt = at }, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                entity = await ReadSubscriberAsync(current.Phone, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<TableEntity?> ReadSubscriberAsync(string phone, CancellationToken cancellationToken)
    {
        var response = await _subscribers.GetEntityIfExistsAsync<TableEntity>(SubscriberPartition, phone, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Writes the history entry of <paramref name="subscriber"/>'s version unless it exists.</summary>
    private async Task EnsureHistoryAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var existing = await _history.GetEntityIfExistsAsync<TableEntity>(subscriber.Phone, VersionKey(subscriber.Version), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!existing.HasValue)
        {
            await InsertHistoryAsync(subscriber, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task InsertHistoryAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        try
        {
            await _history.AddEntityAsync(ToHistoryEntity(subscriber), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.Conflict)
        {
            // Someone wrote it first, from the same subscriber version, so with the same content.
        }
    }

    private static string VersionKey(long version) => version.ToString("D10", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(Subscriber subscriber)
    {
        var entity = new TableEntity(SubscriberPartition, subscriber.Phone)
        {
            [Channel] = subscriber.Channel,
            [Status] = subscriber.Status.ToName(),
            [Purpose] = subscriber.Purpose,
            [Source] = subscriber.Source.ToName(),
            [Evidence] = subscriber.Evidence.ToJson(),
            [CreatedAt] = subscriber.CreatedAt,
            [UpdatedAt] = subscriber.UpdatedAt,
            [Version] = subscriber.Version,
            [TableValues.SchemaVersionProperty] = TableValues.SubscriberSchemaVersion,
        };

        // Absent rather than null for the operator's default: a replace drops properties the entity no longer has.
        var preferences = subscriber.Preferences;
        SetIfPresent(entity, TimeZone, preferences.TimeZone);
        SetIfPresent(entity, SendTime, preferences.SendTime is { } time ? PreferenceNames.FormatSendTime(time) : null);
        SetIfPresent(entity, Calendar, preferences.Calendar?.ToName());
        SetIfPresent(entity, PausedUntil, preferences.PausedUntil is { } paused ? PreferenceNames.FormatDate(paused) : null);
        SetIfPresent(entity, DeliveryChannel, preferences.Channel?.ToName());
        if (!AddressKey.IsEmail(subscriber.Phone))
        {
            SetIfPresent(entity, Email, subscriber.Addresses.Email);
        }

        if (subscriber.EmailConfirmedAt is { } confirmed)
        {
            entity[EmailConfirmedAt] = confirmed;
        }

        if (subscriber.EmailUndeliverableAt is { } refused)
        {
            entity[EmailUndeliverableAt] = refused;
        }

        if (subscriber.LastInboundAt is { } inbound)
        {
            entity[LastInboundAt] = inbound;
        }

        if (subscriber.NextSendAt is { } next)
        {
            entity[NextSendAt] = next;
        }

        if (subscriber.UnreachableSince is { } since)
        {
            entity[UnreachableSince] = since;
            SetIfPresent(entity, UnreachableErrorCode, subscriber.UnreachableErrorCode);
        }

        return entity;
    }

    private static void SetIfPresent(TableEntity entity, string name, string? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    /// <exception cref="InvalidOperationException">The entity is of a later schema version.</exception>
    private static Subscriber ToSubscriber(TableEntity entity)
    {
        TableValues.ThrowIfNewer(entity, "subscriber", TableValues.SubscriberSchemaVersion);
        return new Subscriber
        {
            Phone = entity.RowKey,
            Addresses = SubscriberAddresses.ForKey(entity.RowKey, entity.GetString(Email)),
            Channel = TableValues.RequiredString(entity, Channel),
            Status = ConsentNames.ParseStatus(TableValues.RequiredString(entity, Status)),
            Purpose = TableValues.RequiredString(entity, Purpose),
            Source = ConsentNames.ParseSource(TableValues.RequiredString(entity, Source)),
            Evidence = ConsentEvidence.FromJson(TableValues.RequiredString(entity, Evidence)),
            CreatedAt = TableValues.RequiredTimestamp(entity, CreatedAt),
            UpdatedAt = TableValues.RequiredTimestamp(entity, UpdatedAt),
            Version = TableValues.RequiredInt64(entity, Version),

            // Entities written before schema version 2 have none of these: the operator's defaults.
            Preferences = new DeliveryPreferences
            {
                TimeZone = entity.GetString(TimeZone),
                SendTime = entity.GetString(SendTime) is { } time ? PreferenceNames.ParseSendTime(time) : null,
                Calendar = entity.GetString(Calendar) is { } calendar ? PreferenceNames.ParseCalendar(calendar) : null,
                PausedUntil = entity.GetString(PausedUntil) is { } paused ? PreferenceNames.ParseDate(paused) : null,

                // And before schema version 4 this and the email properties.
                Channel = entity.GetString(DeliveryChannel) is { } channel ? PreferenceNames.ParseChannel(channel) : null,
            },
            LastInboundAt = entity.GetDateTimeOffset(LastInboundAt) is { } inbound ? TableValues.ToUtcMilliseconds(inbound) : null,
            UnreachableSince = entity.GetDateTimeOffset(UnreachableSince),
            UnreachableErrorCode = entity.GetString(UnreachableErrorCode),

            // Entities written before schema version 3 have none until the backfill gives them one.
            NextSendAt = entity.GetDateTimeOffset(NextSendAt) is { } next ? TableValues.ToUtcMilliseconds(next) : null,
            EmailConfirmedAt = entity.GetDateTimeOffset(EmailConfirmedAt) is { } confirmed ? TableValues.ToUtcMilliseconds(confirmed) : null,
            EmailUndeliverableAt = entity.GetDateTimeOffset(EmailUndeliverableAt) is { } refused ? TableValues.ToUtcMilliseconds(refused) : null,
        };
    }

    private static ConsentHistoryEntry HistoryEntryOf(Subscriber subscriber) => new(
        subscriber.Phone, subscriber.Version, subscriber.Status, subscriber.Source, subscriber.Evidence, subscriber.UpdatedAt);

    private static TableEntity ToHistoryEntity(Subscriber subscriber) => new(subscriber.Phone, VersionKey(subscriber.Version))
    {
        [Status] = subscriber.Status.ToName(),
        [Source] = subscriber.Source.ToName(),
        [Evidence] = subscriber.Evidence.ToJson(),
        [RecordedAt] = subscriber.UpdatedAt,
        [Version] = subscriber.Version,
        [TableValues.SchemaVersionProperty] = TableValues.SubscriberSchemaVersion,
    };

    private static ConsentHistoryEntry ToHistoryEntry(TableEntity entity)
    {
        TableValues.ThrowIfNewer(entity, "consent history", TableValues.SubscriberSchemaVersion);
        return new ConsentHistoryEntry(
            entity.PartitionKey,
            TableValues.RequiredInt64(entity, Version),
            ConsentNames.ParseStatus(TableValues.RequiredString(entity, Status)),
            ConsentNames.ParseSource(TableValues.RequiredString(entity, Source)),
            ConsentEvidence.FromJson(TableValues.RequiredString(entity, Evidence)),
            TableValues.RequiredTimestamp(entity, RecordedAt));
    }
}
