using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.TableStorage;

/// <summary>The delivery ledger in Azure Table Storage.</summary>
/// <remarks>
/// <para>
/// One entity per (study date, phone) in <c>{prefix}Deliveries</c>: PartitionKey the study date (<c>yyyy-MM-dd</c>),
/// RowKey the phone number or email key (<see cref="AddressKey"/>), so a day's summary is one partition query. Every
/// operation reads the entity with its ETag, decides, and makes one conditional write: an insert when there is no entity (409 if another run inserted first), a
/// replace with <c>If-Match</c> otherwise (412 if the entity changed since the read). A run that loses re-reads and
/// decides again on what the winner wrote, so of concurrent claims of one item exactly one wins, and a mark never
/// overwrites a claim it does not hold.
/// </para>
/// <para>
/// Timestamps are stored as UTC with milliseconds; finer fractions are dropped, also before the lease comparison.
/// Every entity this version writes carries <c>SchemaVersion</c> = 2; one of a later version is refused (every
/// operation reads first, and reading it throws <see cref="InvalidOperationException"/>). Thread-safe.
/// </para>
/// </remarks>
public sealed class TableStorageDeliveryLedger : IDeliveryLedger
{
    private const string DateFormat = "yyyy-MM-dd";
    private const int ServiceMaxPerPage = 1000;
    private const int MaxAttempts = 100;

    private const string State = "State";
    private const string ClaimId = "ClaimId";
    private const string Attempts = "Attempts";
    private const string LeaseExpiresAt = "LeaseExpiresAt";
    private const string MessageSid = "MessageSid";
    private const string ErrorCode = "ErrorCode";
    private const string Permanent = "Permanent";
    private const string UpdatedAt = "UpdatedAt";
    private const string StatusProperty = "DeliveryStatus";
    private const string StatusErrorProperty = "DeliveryErrorCode";
    private const string StatusAtProperty = "DeliveryStatusAt";
    private const string FormProperty = "MessageForm";
    private const string ResentProperty = "ResentAsTemplate";
    private const string OutsideWindowProperty = "OutsideWindow";

    private readonly TableClient _deliveries;
    private readonly TableProvisioner _provisioner;

    /// <summary>Creates a ledger on the table named with <paramref name="tablePrefix"/>. It is created on first use.</summary>
    /// <exception cref="ArgumentException">The prefix does not make a valid table name.</exception>
    public TableStorageDeliveryLedger(TableServiceClient serviceClient, string tablePrefix = TableStorageOptions.DefaultTablePrefix)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        var names = new TableStorageOptions { TablePrefix = TableNames.ThrowIfInvalidPrefix(tablePrefix, nameof(tablePrefix)) };
        _deliveries = serviceClient.GetTableClient(names.DeliveriesTableName);
        _provisioner = new TableProvisioner(_deliveries);
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var at = TableValues.ToUtcMilliseconds(now);
        var leaseExpiresAt = TableValues.ToUtcMilliseconds(now + lease);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
            var current = entity is null ? null : ToRecord(entity);
            if (current is not null && !IsClaimable(current, at))
            {
                return null;
            }

            var claim = new DeliveryRecord
            {
                StudyDate = studyDate,
                Phone = phone,
                State = DeliveryState.Claimed,
                ClaimId = Guid.NewGuid().ToString("N"),
                Attempts = (current?.Attempts ?? 0) + 1,
                LeaseExpiresAt = leaseExpiresAt,
                MessageId = null,
                ErrorCode = null,
                Permanent = false,
                UpdatedAt = at,
                DeliveryStatus = null,
                DeliveryErrorCode = null,
                DeliveryStatusAt = null,
                ResentAsTemplate = current?.ResentAsTemplate ?? false,
            };
            if (await TryWriteAsync(entity, claim, cancellationToken).ConfigureAwait(false))
            {
                return claim;
            }
        }

        throw new InvalidOperationException($"The claim lost {MaxAttempts} races in a row to other writers of the same item.");
    }

    /// <inheritdoc />
    /// <remarks>Reads, checks the resend rule, and replaces with <c>If-Match</c>; of concurrent calls only one write matches the ETag read.</remarks>
    public async Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var at = TableValues.ToUtcMilliseconds(now);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
            if (entity is null || ToRecord(entity) is not { State: DeliveryState.Sent, Form: MessageForm.Freeform, ResentAsTemplate: false } current
                || !string.Equals(current.MessageId, messageId, StringComparison.Ordinal))
            {
                return null;
            }

            var claim = current with
            {
                State = DeliveryState.Claimed,
                ClaimId = Guid.NewGuid().ToString("N"),
                Attempts = current.Attempts + 1,
                LeaseExpiresAt = TableValues.ToUtcMilliseconds(now + lease),
                MessageId = null,
                ErrorCode = null,
                Permanent = false,
                UpdatedAt = at,
                DeliveryStatus = null,
                DeliveryErrorCode = null,
                DeliveryStatusAt = null,
                Form = null,
                OutsideWindow = false,
                ResentAsTemplate = true,
            };
            if (await TryWriteAsync(entity, claim, cancellationToken).ConfigureAwait(false))
            {
                return claim;
            }
        }

        throw new InvalidOperationException($"The resend claim lost {MaxAttempts} races in a row to other writers of the same item.");
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
            claim => claim with
            {
                State = DeliveryState.Sent,
                MessageId = messageId,
                ErrorCode = null,
                Permanent = false,
                UpdatedAt = TableValues.ToUtcMilliseconds(now),
                Form = form,
                OutsideWindow = outsideWindow,
            },
            cancellationToken);
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
            claim => claim with { State = DeliveryState.Failed, MessageId = null, ErrorCode = errorCode, Permanent = permanent, UpdatedAt = TableValues.ToUtcMilliseconds(now) },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the entity, decides on its message id and status rank, and replaces it with <c>If-Match</c>; a lost race
    /// re-reads and decides again on what the winner wrote, so each rank applies at most once.
    /// </remarks>
    public async Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        var stored = TableValues.ToUtcMilliseconds(at);
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return false;
            }

            var current = ToRecord(entity);
            if (!string.Equals(current.MessageId, messageId, StringComparison.Ordinal) || !status.Advances(current.DeliveryStatus))
            {
                return false;
            }

            var next = current with { DeliveryStatus = status, DeliveryErrorCode = errorCode, DeliveryStatusAt = stored, UpdatedAt = stored };
            if (await TryWriteAsync(entity, next, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException($"The status update lost {MaxAttempts} races in a row to other writers of the same item.");
    }

    /// <inheritdoc />
    public async Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var entity = await ReadAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ToRecord(entity);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default)
    {
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {FormatDate(studyDate)}");
        var records = new List<DeliveryRecord>();
        await foreach (var entity in _deliveries.QueryAsync<TableEntity>(filter, maxPerPage: ServiceMaxPerPage, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records.Add(ToRecord(entity));
        }

        // The service already returns RowKey order; sorting states the contract instead of relying on it.
        records.Sort((x, y) => string.CompareOrdinal(x.Phone, y.Phone));
        return records;
    }

    private async Task<bool> CompleteAsync(DateOnly studyDate, string phone, string claimId, Func<DeliveryRecord, DeliveryRecord> complete, CancellationToken cancellationToken)
    {
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var entity = await ReadAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return false;
            }

            var current = ToRecord(entity);
            if (current.State != DeliveryState.Claimed || !string.Equals(current.ClaimId, claimId, StringComparison.Ordinal))
            {
                return false;
            }

            if (await TryWriteAsync(entity, complete(current), cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException($"The mark lost {MaxAttempts} races in a row to other writers of the same item.");
    }

    /// <summary>
    /// Inserts <paramref name="record"/> when <paramref name="read"/> is null, else replaces it if unchanged since
    /// read; false when another writer got there first.
    /// </summary>
    private async Task<bool> TryWriteAsync(TableEntity? read, DeliveryRecord record, CancellationToken cancellationToken)
    {
        try
        {
            if (read is null)
            {
                await _deliveries.AddEntityAsync(ToEntity(record), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _deliveries.UpdateEntityAsync(ToEntity(record), read.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException exception) when (TableValues.IsLostRace(exception) || exception.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task<TableEntity?> ReadAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken)
    {
        var response = await _deliveries.GetEntityIfExistsAsync<TableEntity>(FormatDate(studyDate), phone, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static bool IsClaimable(DeliveryRecord record, DateTimeOffset now) => record.State switch
    {
        DeliveryState.Failed => !record.Permanent,
        DeliveryState.Claimed => record.LeaseExpiresAt <= now,
        _ => false,
    };

    private static TableEntity ToEntity(DeliveryRecord record)
    {
        var entity = new TableEntity(FormatDate(record.StudyDate), record.Phone)
        {
            [State] = record.State.ToName(),
            [ClaimId] = record.ClaimId,
            [Attempts] = record.Attempts,
            [LeaseExpiresAt] = record.LeaseExpiresAt,
            [Permanent] = record.Permanent,
            [UpdatedAt] = record.UpdatedAt,
            [ResentProperty] = record.ResentAsTemplate,
            [OutsideWindowProperty] = record.OutsideWindow,
            [TableValues.SchemaVersionProperty] = TableValues.SchemaVersion,
        };

        // Absent rather than null: a replace drops properties the entity no longer has.
        if (record.MessageId is not null)
        {
            entity[MessageSid] = record.MessageId;
        }

        if (record.ErrorCode is not null)
        {
            entity[ErrorCode] = record.ErrorCode;
        }

        if (record.DeliveryStatus is { } status)
        {
            entity[StatusProperty] = status.ToName();
        }

        if (record.DeliveryErrorCode is not null)
        {
            entity[StatusErrorProperty] = record.DeliveryErrorCode;
        }

        if (record.DeliveryStatusAt is { } statusAt)
        {
            entity[StatusAtProperty] = statusAt;
        }

        if (record.Form is { } form)
        {
            entity[FormProperty] = form.ToName();
        }

        return entity;
    }

    /// <exception cref="InvalidOperationException">The entity is of a later schema version.</exception>
    private static DeliveryRecord ToRecord(TableEntity entity)
    {
        TableValues.ThrowIfNewer(entity, "delivery");
        return new DeliveryRecord
        {
            StudyDate = DateOnly.ParseExact(entity.PartitionKey, DateFormat, CultureInfo.InvariantCulture),
            Phone = entity.RowKey,
            State = DeliveryNames.ParseState(TableValues.RequiredString(entity, State)),
            ClaimId = TableValues.RequiredString(entity, ClaimId),
            Attempts = TableValues.RequiredInt32(entity, Attempts),
            LeaseExpiresAt = TableValues.RequiredTimestamp(entity, LeaseExpiresAt),
            MessageId = entity.GetString(MessageSid),
            ErrorCode = entity.GetString(ErrorCode),
            Permanent = TableValues.RequiredBoolean(entity, Permanent),
            UpdatedAt = TableValues.RequiredTimestamp(entity, UpdatedAt),
            DeliveryStatus = entity.GetString(StatusProperty) is { } status ? DeliveryNames.ParseStatus(status) : null,
            DeliveryErrorCode = entity.GetString(StatusErrorProperty),
            DeliveryStatusAt = entity.GetDateTimeOffset(StatusAtProperty) is { } statusAt ? TableValues.ToUtcMilliseconds(statusAt) : null,

            // Entities written before these existed have none of them: unknown form, not resent, not outside the window.
            Form = entity.GetString(FormProperty) is { } form ? DeliveryNames.ParseForm(form) : null,
            ResentAsTemplate = entity.GetBoolean(ResentProperty) ?? false,
            OutsideWindow = entity.GetBoolean(OutsideWindowProperty) ?? false,
        };
    }

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);
}
