using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Sqlite;

/// <summary>Subscribers and their consent history in an embedded SQLite database file.</summary>
/// <remarks>
/// <para>
/// Each operation opens its own pooled connection, so one instance serves any number of threads. Consent changes run
/// in a <c>BEGIN IMMEDIATE</c> transaction, which takes the database's write lock before reading the current row, and
/// the history table's key (phone, version) rejects a second entry for the same version; together they make changes
/// of one phone linearizable, also across processes that share the file.
/// </para>
/// <para>
/// Timestamps are stored as ISO-8601 UTC text with milliseconds; finer fractions are dropped. Delivery preferences,
/// the channel choice among them, are nullable columns of <c>subscribers</c> (NULL: the operator's default) in the
/// shared text forms of <see cref="PreferenceNames"/>. Keys are <see cref="AddressKey"/>s; a number's linked email
/// address and its state are three more nullable columns. The file's schema version is migrated forward on first use
/// (see the schema steps).
/// </para>
/// <para>
/// The send tick's due index is the partial index <c>ix_subscribers_due</c> on (<c>next_send_at</c>, phone) of the
/// reachable opted-in rows that have a next send time: <see cref="ListDueAsync"/> is a range read of it up to the
/// tick's instant, in its own order, so it reads the due rows and no others. Preference and delivery-state changes
/// run in the same kind of transaction as consent changes and append their history entry in it.
/// </para>
/// </remarks>
public sealed class SqliteSubscriberStore : ISubscriberStore
{
    private const int MaxPageSize = 1000;
    private const string SubscriberColumns =
        "phone, channel, status, purpose, source, evidence, created_at, updated_at, version, time_zone, send_time, calendar, paused_until, "
        + "last_inbound_at, unreachable_since, unreachable_error_code, next_send_at, email, email_confirmed_at, email_undeliverable_at, channel_choice";

    /// <summary>
    /// The due listing. Its first condition is written exactly as <c>ix_subscribers_due</c>'s, so the partial index
    /// applies; the row value continues after the cursor's (time, phone) pair (empty text before the first page).
    /// </summary>
    /// <remarks>
    /// Without statistics SQLite's planner prefers the equality on <c>status</c> of <c>ix_subscribers_status_phone</c>
    /// and then reads every opted-in row. <c>INDEXED BY</c> pins the due index: should it ever not apply, the
    /// statement fails instead of quietly scanning.
    /// </remarks>
    internal const string DueListingSql = $"""
        SELECT {SubscriberColumns} FROM subscribers INDEXED BY ix_subscribers_due
        WHERE status = 'opted_in' AND unreachable_since IS NULL AND next_send_at IS NOT NULL
            AND next_send_at <= @at AND (next_send_at, phone) > (@afterAt, @afterPhone)
        ORDER BY next_send_at, phone
        LIMIT @limit;
        """;

    private readonly SqliteDatabase _database;

    /// <summary>Creates a store on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteSubscriberStore(IOptions<SqliteStoreOptions> options)
        : this(options?.Value!)
    {
    }

    /// <summary>Creates a store on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteSubscriberStore(SqliteStoreOptions options)
    {
        _database = new SqliteDatabase(options);
    }

    /// <inheritdoc />
    public string Kind => "sqlite";

    /// <inheritdoc />
    public async Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await FindAsync(connection, null, phone, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        var status = change.Status.ToName();
        var source = change.Source.ToName();
        var evidence = change.Evidence.ToJson();
        var at = SqliteDatabase.FormatTimestamp(change.At);

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Not deferred: BEGIN IMMEDIATE takes the write lock before the read below, so no other writer can change
            // the row between that read and this transaction's writes.
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var current = await FindAsync(connection, transaction, change.Phone, cancellationToken).ConfigureAwait(false);
                if (current is not null && !ConsentRules.Writes(current, change with { At = SqliteDatabase.ParseTimestamp(at) }))
                {
                    return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
                }

                var storedAt = SqliteDatabase.ParseTimestamp(at);
                var updated = new Subscriber
                {
                    Phone = change.Phone,
                    Addresses = current?.Addresses ?? SubscriberAddresses.ForKey(change.Phone, storedEmail: null),
                    Channel = current?.Channel ?? AddressKey.ConsentChannelOf(change.Phone),
                    Status = change.Status,
                    Purpose = ConsentNames.DailyMitzvotPurpose,
                    Source = change.Source,
                    Evidence = change.Evidence,
                    CreatedAt = current?.CreatedAt ?? storedAt,
                    UpdatedAt = storedAt,
                    Version = (current?.Version ?? 0) + 1,
                    Preferences = ConsentRules.PreferencesAfter(current, change),
                    LastInboundAt = current?.LastInboundAt,
                    UnreachableSince = current?.UnreachableSince,
                    UnreachableErrorCode = current?.UnreachableErrorCode,
                    NextSendAt = ConsentRules.NextSendAtAfter(current, change, storedAt),
                    EmailConfirmedAt = current?.EmailConfirmedAt,
                    EmailUndeliverableAt = current?.EmailUndeliverableAt,
                };

                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO subscribers (phone, channel, status, purpose, source, evidence, created_at, updated_at, version,
                        time_zone, send_time, calendar, paused_until, channel_choice, next_send_at)
                    VALUES (@phone, @channel, @status, @purpose, @source, @evidence, @at, @at, @version,
                        @zone, @time, @calendar, @paused, @choice, @next)
                    ON CONFLICT (phone) DO UPDATE SET
                        status = excluded.status,
                        source = excluded.source,
                        evidence = excluded.evidence,
                        updated_at = excluded.updated_at,
                        version = excluded.version,
                        next_send_at = excluded.next_send_at;

                    INSERT INTO consent_history (phone, version, status, source, evidence, recorded_at)
                    VALUES (@phone, @version, @status, @source, @evidence, @at);
                    """;
                command.Parameters.AddWithValue("@phone", change.Phone);
                command.Parameters.AddWithValue("@channel", updated.Channel);
                command.Parameters.AddWithValue("@status", status);
                command.Parameters.AddWithValue("@purpose", updated.Purpose);
                command.Parameters.AddWithValue("@source", source);
                command.Parameters.AddWithValue("@evidence", evidence);
                command.Parameters.AddWithValue("@at", at);
                command.Parameters.AddWithValue("@version", updated.Version);
                AddPreferences(command, updated.Preferences);
                command.Parameters.AddWithValue("@next", TimestampOrNull(updated.NextSendAt));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current?.Status);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Like a consent change: one <c>BEGIN IMMEDIATE</c> transaction that reads the row, updates it and appends the entry.</remarks>
    public Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>A range read of the partial index of marked rows.</remarks>
    public Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default) =>
        ListWhereAsync("unreachable_since IS NOT NULL", null, continuationToken, pageSize, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Like a consent change: one <c>BEGIN IMMEDIATE</c> transaction that reads the row, updates it and appends the entry.</remarks>
    public Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        DeliveryPreferences.ThrowIfInvalid(change.Preferences, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Like a consent change: one <c>BEGIN IMMEDIATE</c> transaction that reads the row, updates it and appends the entry.</remarks>
    public Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default)
    {
        EmailChange.ThrowIfInvalid(change, nameof(change));
        return ChangeKnownAsync(
            change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at), cancellationToken);
    }

    /// <summary>
    /// A change of a known subscriber that keeps its status (delivery state, preferences, email): one <c>BEGIN IMMEDIATE</c>
    /// transaction that reads the row, writes what <paramref name="apply"/> returns and appends its history entry.
    /// </summary>
    private async Task<ConsentChangeResult?> ChangeKnownAsync(
        string phone, DateTimeOffset changeAt, Func<Subscriber, bool> writes, Func<Subscriber, DateTimeOffset, Subscriber> apply, CancellationToken cancellationToken)
    {
        var at = SqliteDatabase.FormatTimestamp(changeAt);
        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = connection.BeginTransaction(deferred: false);
            await using (transaction.ConfigureAwait(false))
            {
                var current = await FindAsync(connection, transaction, phone, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    return null;
                }

                if (!writes(current))
                {
                    return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
                }

                var updated = apply(current, SqliteDatabase.ParseTimestamp(at));
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    UPDATE subscribers
                    SET source = @source, evidence = @evidence, updated_at = @at, version = @version,
                        unreachable_since = @since, unreachable_error_code = @code,
                        time_zone = @zone, send_time = @time, calendar = @calendar, paused_until = @paused, channel_choice = @choice,
                        next_send_at = @next, email = @email, email_confirmed_at = @confirmed, email_undeliverable_at = @undeliverable
                    WHERE phone = @phone;

                    INSERT INTO consent_history (phone, version, status, source, evidence, recorded_at)
                    VALUES (@phone, @version, @status, @source, @evidence, @at);
                    """;
                command.Parameters.AddWithValue("@phone", phone);
                command.Parameters.AddWithValue("@status", updated.Status.ToName());
                command.Parameters.AddWithValue("@source", updated.Source.ToName());
                command.Parameters.AddWithValue("@evidence", updated.Evidence.ToJson());
                command.Parameters.AddWithValue("@at", at);
                command.Parameters.AddWithValue("@version", updated.Version);
                command.Parameters.AddWithValue("@since", TimestampOrNull(updated.UnreachableSince));
                command.Parameters.AddWithValue("@code", (object?)updated.UnreachableErrorCode ?? DBNull.Value);
                AddPreferences(command, updated.Preferences);
                command.Parameters.AddWithValue("@next", TimestampOrNull(updated.NextSendAt));
                command.Parameters.AddWithValue("@email", StoredEmail(updated));
                command.Parameters.AddWithValue("@confirmed", TimestampOrNull(updated.EmailConfirmedAt));
                command.Parameters.AddWithValue("@undeliverable", TimestampOrNull(updated.EmailUndeliverableAt));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current.Status);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>One range read of the due index (<see cref="DueListingSql"/>); the token is a <see cref="DueCursor"/>.</remarks>
    public async Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = DueCursor.After(continuationToken);

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = DueListingSql;
            AddDueParameters(command, at, after, pageSize + 1);

            var fetched = new List<Subscriber>(Math.Min(pageSize + 1, 64));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fetched.Add(ReadSubscriber(reader));
                }
            }

            return DueCursor.ToPage(fetched, pageSize);
        }
    }

    /// <summary>Binds the parameters of <see cref="DueListingSql"/>; <paramref name="limit"/> is one more than the page size.</summary>
    internal static void AddDueParameters(SqliteCommand command, DateTimeOffset at, (long UnixMilliseconds, string Phone)? after, int limit)
    {
        command.Parameters.AddWithValue("@at", SqliteDatabase.FormatTimestamp(at));

        // Empty text sorts before every stored time and phone: the first page starts at the beginning of the index.
        command.Parameters.AddWithValue("@afterAt", after is { } time ? SqliteDatabase.FormatTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(time.UnixMilliseconds)) : string.Empty);
        command.Parameters.AddWithValue("@afterPhone", after?.Phone ?? string.Empty);
        command.Parameters.AddWithValue("@limit", limit);
    }

    /// <inheritdoc />
    /// <remarks>One <c>UPDATE</c> conditioned with <c>IS</c>, which also matches an absent time to <see langword="null"/>.</remarks>
    public async Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE subscribers SET next_send_at = @next WHERE phone = @phone AND next_send_at IS @expected;";
            command.Parameters.AddWithValue("@next", SqliteDatabase.FormatTimestamp(nextSendAt));
            command.Parameters.AddWithValue("@phone", phone);
            command.Parameters.AddWithValue("@expected", TimestampOrNull(expected));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    /// <remarks>One <c>UPDATE</c> conditioned on the stored time being absent or earlier (ISO text compares in time order).</remarks>
    public async Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE subscribers SET last_inbound_at = @at
                WHERE phone = @phone AND (last_inbound_at IS NULL OR last_inbound_at < @at);
                """;
            command.Parameters.AddWithValue("@at", SqliteDatabase.FormatTimestamp(at));
            command.Parameters.AddWithValue("@phone", phone);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Pages are ordered by phone; the continuation token is the last phone of the page (<see cref="PhoneCursor"/>).
    /// Opted-in pages read the partial index of reachable opted-in rows.
    /// </remarks>
    public Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default) =>
        ListWhereAsync(StatusCondition(status), status.ToName(), continuationToken, pageSize, cancellationToken);

    // The recipients' condition is written as the partial index's, so SQLite reads that index.
    private static string StatusCondition(ConsentStatus status) =>
        status == ConsentStatus.OptedIn ? "status = 'opted_in' AND unreachable_since IS NULL" : "status = @status";

    private async Task<SubscriberPage> ListWhereAsync(string condition, string? statusName, string? continuationToken, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = PhoneCursor.After(continuationToken);

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {SubscriberColumns} FROM subscribers
                WHERE {condition} AND phone > @after
                ORDER BY phone
                LIMIT @limit;
                """;
            if (statusName is not null)
            {
                command.Parameters.AddWithValue("@status", statusName);
            }

            command.Parameters.AddWithValue("@after", after);

            // One row more than asked tells whether another page follows.
            command.Parameters.AddWithValue("@limit", pageSize + 1);

            var fetched = new List<Subscriber>(pageSize + 1);
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    fetched.Add(ReadSubscriber(reader));
                }
            }

            return PhoneCursor.ToPage(fetched, pageSize);
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default)
    {
        var statusName = status.ToName();

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM subscribers WHERE {StatusCondition(status)};";
            command.Parameters.AddWithValue("@status", statusName);
            var count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return Convert.ToInt64(count, CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT phone, version, status, source, evidence, recorded_at FROM consent_history
                WHERE phone = @phone
                ORDER BY version;
                """;
            command.Parameters.AddWithValue("@phone", phone);

            var entries = new List<ConsentHistoryEntry>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(new ConsentHistoryEntry(
                        reader.GetString(0),
                        reader.GetInt64(1),
                        ConsentNames.ParseStatus(reader.GetString(2)),
                        ConsentNames.ParseSource(reader.GetString(3)),
                        ConsentEvidence.FromJson(reader.GetString(4)),
                        SqliteDatabase.ParseTimestamp(reader.GetString(5))));
                }
            }

            return entries;
        }
    }

    private static async Task<Subscriber?> FindAsync(SqliteConnection connection, SqliteTransaction? transaction, string phone, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {SubscriberColumns} FROM subscribers WHERE phone = @phone;";
        command.Parameters.AddWithValue("@phone", phone);

        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadSubscriber(reader) : null;
        }
    }

    private static void AddPreferences(SqliteCommand command, DeliveryPreferences preferences)
    {
        command.Parameters.AddWithValue("@zone", (object?)preferences.TimeZone ?? DBNull.Value);
        command.Parameters.AddWithValue("@time", preferences.SendTime is { } time ? PreferenceNames.FormatSendTime(time) : DBNull.Value);
        command.Parameters.AddWithValue("@calendar", preferences.Calendar is { } calendar ? calendar.ToName() : DBNull.Value);
        command.Parameters.AddWithValue("@paused", preferences.PausedUntil is { } paused ? PreferenceNames.FormatDate(paused) : DBNull.Value);
        command.Parameters.AddWithValue("@choice", preferences.Channel is { } channel ? channel.ToName() : DBNull.Value);
    }

    // An email key's address is the key itself (SubscriberAddresses.ForKey): only a number's linked address is a column.
    private static object StoredEmail(Subscriber subscriber) =>
        AddressKey.IsEmail(subscriber.Phone) ? DBNull.Value : (object?)subscriber.Addresses.Email ?? DBNull.Value;

    private static object TimestampOrNull(DateTimeOffset? value) =>
        value is { } instant ? SqliteDatabase.FormatTimestamp(instant) : DBNull.Value;

    private static Subscriber ReadSubscriber(SqliteDataReader reader) => new()
    {
        Phone = reader.GetString(0),
        Addresses = SubscriberAddresses.ForKey(reader.GetString(0), reader.IsDBNull(17) ? null : reader.GetString(17)),
        Channel = reader.GetString(1),
        Status = ConsentNames.ParseStatus(reader.GetString(2)),
        Purpose = reader.GetString(3),
        Source = ConsentNames.ParseSource(reader.GetString(4)),
        Evidence = ConsentEvidence.FromJson(reader.GetString(5)),
        CreatedAt = SqliteDatabase.ParseTimestamp(reader.GetString(6)),
        UpdatedAt = SqliteDatabase.ParseTimestamp(reader.GetString(7)),
        Version = reader.GetInt64(8),
        Preferences = new DeliveryPreferences
        {
            TimeZone = reader.IsDBNull(9) ? null : reader.GetString(9),
            SendTime = reader.IsDBNull(10) ? null : PreferenceNames.ParseSendTime(reader.GetString(10)),
            Calendar = reader.IsDBNull(11) ? null : PreferenceNames.ParseCalendar(reader.GetString(11)),
            PausedUntil = reader.IsDBNull(12) ? null : PreferenceNames.ParseDate(reader.GetString(12)),
            Channel = reader.IsDBNull(20) ? null : PreferenceNames.ParseChannel(reader.GetString(20)),
        },
        LastInboundAt = reader.IsDBNull(13) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(13)),
        UnreachableSince = reader.IsDBNull(14) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(14)),
        UnreachableErrorCode = reader.IsDBNull(15) ? null : reader.GetString(15),
        NextSendAt = reader.IsDBNull(16) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(16)),
        EmailConfirmedAt = reader.IsDBNull(18) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(18)),
        EmailUndeliverableAt = reader.IsDBNull(19) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(19)),
    };
}
