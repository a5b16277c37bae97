using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Sqlite;

/// <summary>The delivery ledger in the embedded SQLite database file, next to the subscribers.</summary>
/// <remarks>
/// <para>
/// One row per (study date, phone) in <c>deliveries</c>, and every operation is one statement: a claim is an upsert
/// whose update only applies when the row may be claimed, a mark is an update conditioned on state and claim id. SQLite
/// runs each statement atomically under the database's write lock, so concurrent claims of one row, also from other
/// processes that share the file, have exactly one winner.
/// </para>
/// <para>
/// Study dates are stored as <c>yyyy-MM-dd</c> text, timestamps as ISO-8601 UTC text with milliseconds, whose string
/// order is their time order, so the lease check compares text.
/// </para>
/// </remarks>
public sealed class SqliteDeliveryLedger : IDeliveryLedger
{
    private const string DateFormat = "yyyy-MM-dd";
    private const string Columns = "study_date, phone, state, claim_id, attempts, lease_expires_at, message_sid, error_code, permanent, updated_at, "
        + "delivery_status, delivery_error_code, delivery_status_at, message_form, resent_as_template, outside_window";

    private static readonly string ClaimedName = DeliveryState.Claimed.ToName();
    private static readonly string SentName = DeliveryState.Sent.ToName();
    private static readonly string FailedName = DeliveryState.Failed.ToName();

    private readonly SqliteDatabase _database;

    /// <summary>Creates a ledger on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteDeliveryLedger(IOptions<SqliteStoreOptions> options)
        : this(options?.Value!)
    {
    }

    /// <summary>Creates a ledger on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteDeliveryLedger(SqliteStoreOptions options)
    {
        _database = new SqliteDatabase(options);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var nowText = SqliteDatabase.FormatTimestamp(now);
        var leaseText = SqliteDatabase.FormatTimestamp(now + lease);
        var claimId = Guid.NewGuid().ToString("N");

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();

            // The WHERE of DO UPDATE is the claim condition; when it fails nothing is written and nothing returned.
            command.CommandText = $"""
                INSERT INTO deliveries ({Columns})
                VALUES (@date, @phone, @claimed, @claim, 1, @lease, NULL, NULL, 0, @now, NULL, NULL, NULL, NULL, 0, 0)
                ON CONFLICT (study_date, phone) DO UPDATE SET
                    state = excluded.state,
                    claim_id = excluded.claim_id,
                    attempts = deliveries.attempts + 1,
                    lease_expires_at = excluded.lease_expires_at,
                    message_sid = NULL,
                    error_code = NULL,
                    permanent = 0,
                    updated_at = excluded.updated_at,
                    delivery_status = NULL,
                    delivery_rank = NULL,
                    delivery_error_code = NULL,
                    delivery_status_at = NULL,
                    message_form = NULL,
                    outside_window = 0
                WHERE (deliveries.state = @failed AND deliveries.permanent = 0)
                   OR (deliveries.state = @claimed AND deliveries.lease_expires_at <= @now)
                RETURNING {Columns};
                """;
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));
            command.Parameters.AddWithValue("@phone", phone);
            command.Parameters.AddWithValue("@claimed", ClaimedName);
            command.Parameters.AddWithValue("@failed", FailedName);
            command.Parameters.AddWithValue("@claim", claimId);
            command.Parameters.AddWithValue("@lease", leaseText);
            command.Parameters.AddWithValue("@now", nowText);
            return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false);
        }
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

        return CompleteAsync(studyDate, phone, claimId, SentName, messageId, errorCode: null, permanent: false, form.ToName(), outsideWindow, now, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One <c>UPDATE … RETURNING</c> whose WHERE is the resend condition, so of concurrent calls one writes.</remarks>
    public async Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE deliveries SET
                    state = @claimed, claim_id = @claim, attempts = attempts + 1, lease_expires_at = @lease,
                    message_sid = NULL, error_code = NULL, permanent = 0, updated_at = @now,
                    delivery_status = NULL, delivery_rank = NULL, delivery_error_code = NULL, delivery_status_at = NULL,
                    message_form = NULL, outside_window = 0, resent_as_template = 1
                WHERE study_date = @date AND phone = @phone AND state = @sent AND message_sid = @sid
                  AND message_form = @freeform AND resent_as_template = 0
                RETURNING {Columns};
                """;
            command.Parameters.AddWithValue("@claimed", ClaimedName);
            command.Parameters.AddWithValue("@claim", Guid.NewGuid().ToString("N"));
            command.Parameters.AddWithValue("@lease", SqliteDatabase.FormatTimestamp(now + lease));
            command.Parameters.AddWithValue("@now", SqliteDatabase.FormatTimestamp(now));
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));
            command.Parameters.AddWithValue("@phone", phone);
            command.Parameters.AddWithValue("@sent", SentName);
            command.Parameters.AddWithValue("@sid", messageId);
            command.Parameters.AddWithValue("@freeform", MessageForm.Freeform.ToName());
            return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(claimId);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);

        return CompleteAsync(studyDate, phone, claimId, FailedName, messageId: null, errorCode, permanent, form: null, outsideWindow: false, now, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UPDATE conditioned on the message id and on the stored rank being lower (<c>delivery_rank</c> is kept
    /// beside the status so that the condition is a comparison).
    /// </remarks>
    public async Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE deliveries
                SET delivery_status = @status, delivery_rank = @rank, delivery_error_code = @error, delivery_status_at = @at, updated_at = @at
                WHERE study_date = @date AND phone = @phone AND message_sid = @sid
                  AND (delivery_rank IS NULL OR delivery_rank < @rank);
                """;
            command.Parameters.AddWithValue("@status", status.ToName());
            command.Parameters.AddWithValue("@rank", status.Rank());
            command.Parameters.AddWithValue("@error", (object?)errorCode ?? DBNull.Value);
            command.Parameters.AddWithValue("@at", SqliteDatabase.FormatTimestamp(at));
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));
            command.Parameters.AddWithValue("@phone", phone);
            command.Parameters.AddWithValue("@sid", messageId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));

        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM deliveries WHERE study_date = @date AND phone = @phone;";
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));
            command.Parameters.AddWithValue("@phone", phone);
            return await ReadSingleAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default)
    {
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM deliveries WHERE study_date = @date ORDER BY phone;";
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));

            var records = new List<DeliveryRecord>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    records.Add(ReadRecord(reader));
                }
            }

            return records;
        }
    }

    private async Task<bool> CompleteAsync(
        DateOnly studyDate, string phone, string claimId, string state, string? messageId, string? errorCode, bool permanent, string? form, bool outsideWindow, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE deliveries
                SET state = @state, message_sid = @sid, error_code = @error, permanent = @permanent, updated_at = @now,
                    message_form = @form, outside_window = @outside
                WHERE study_date = @date AND phone = @phone AND state = @claimed AND claim_id = @claim;
                """;
            command.Parameters.AddWithValue("@state", state);
            command.Parameters.AddWithValue("@sid", (object?)messageId ?? DBNull.Value);
            command.Parameters.AddWithValue("@error", (object?)errorCode ?? DBNull.Value);
            command.Parameters.AddWithValue("@permanent", permanent ? 1 : 0);
            command.Parameters.AddWithValue("@form", (object?)form ?? DBNull.Value);
            command.Parameters.AddWithValue("@outside", outsideWindow ? 1 : 0);
            command.Parameters.AddWithValue("@now", SqliteDatabase.FormatTimestamp(now));
            command.Parameters.AddWithValue("@date", FormatDate(studyDate));
            command.Parameters.AddWithValue("@phone", phone);
            command.Parameters.AddWithValue("@claimed", ClaimedName);
            command.Parameters.AddWithValue("@claim", claimId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    private static async Task<DeliveryRecord?> ReadSingleAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(reader) : null;
        }
    }

    private static DeliveryRecord ReadRecord(SqliteDataReader reader) => new()
    {
        StudyDate = DateOnly.ParseExact(reader.GetString(0), DateFormat, CultureInfo.InvariantCulture),
        Phone = reader.GetString(1),
        State = DeliveryNames.ParseState(reader.GetString(2)),
        ClaimId = reader.GetString(3),
        Attempts = reader.GetInt32(4),
        LeaseExpiresAt = SqliteDatabase.ParseTimestamp(reader.GetString(5)),
        MessageId = reader.IsDBNull(6) ? null : reader.GetString(6),
        ErrorCode = reader.IsDBNull(7) ? null : reader.GetString(7),
        Permanent = reader.GetInt64(8) != 0,
        UpdatedAt = SqliteDatabase.ParseTimestamp(reader.GetString(9)),
        DeliveryStatus = reader.IsDBNull(10) ? null : DeliveryNames.ParseStatus(reader.GetString(10)),
        DeliveryErrorCode = reader.IsDBNull(11) ? null : reader.GetString(11),
        DeliveryStatusAt = reader.IsDBNull(12) ? null : SqliteDatabase.ParseTimestamp(reader.GetString(12)),
        Form = reader.IsDBNull(13) ? null : DeliveryNames.ParseForm(reader.GetString(13)),
        ResentAsTemplate = reader.GetInt64(14) != 0,
        OutsideWindow = reader.GetInt64(15) != 0,
    };

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
