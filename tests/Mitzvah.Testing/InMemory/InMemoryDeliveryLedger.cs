using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Testing.InMemory;

/// <summary>The delivery ledger in memory, for unit tests of the daily run.</summary>
/// <remarks>
/// <para>
/// Passes the delivery ledger contract suite: one item per (study date, phone), claims and marks conditioned exactly
/// as the port documents, keys checked as <see cref="AddressKey"/>s (a number or a mail key), timestamps kept to the millisecond in UTC. The lease check
/// compares the <c>now</c> the caller passes, so a test moves leases along with its fake clock.
/// </para>
/// <para>Thread-safe: every operation runs under one lock, so each item changes atomically and one of any number of
/// concurrent claims wins.</para>
/// </remarks>
public sealed class InMemoryDeliveryLedger : IDeliveryLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(DateOnly StudyDate, string Phone), DeliveryRecord> _items = [];

    /// <inheritdoc />
    public Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        var at = ToStoredTime(now);

        lock (_gate)
        {
            var current = _items.GetValueOrDefault((studyDate, phone));
            var claimable = current is null
                || (current.State == DeliveryState.Failed && !current.Permanent)
                || (current.State == DeliveryState.Claimed && current.LeaseExpiresAt <= at);
            if (!claimable)
            {
                return Task.FromResult<DeliveryRecord?>(null);
            }

            var claim = NewClaim(studyDate, phone, (current?.Attempts ?? 0) + 1, ToStoredTime(now + lease), at) with { ResentAsTemplate = current?.ResentAsTemplate ?? false };
            _items[(studyDate, phone)] = claim;
            return Task.FromResult<DeliveryRecord?>(claim);
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
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Update(studyDate, phone, claimId, claim => claim with
        {
            State = DeliveryState.Sent,
            MessageId = messageId,
            UpdatedAt = ToStoredTime(now),
            Form = form,
            OutsideWindow = outsideWindow,
        }));
    }

    /// <inheritdoc />
    public Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_items.GetValueOrDefault((studyDate, phone)) is not { State: DeliveryState.Sent, Form: MessageForm.Freeform, ResentAsTemplate: false } current
                || !string.Equals(current.MessageId, messageId, StringComparison.Ordinal))
            {
                return Task.FromResult<DeliveryRecord?>(null);
            }

            var claim = NewClaim(studyDate, phone, current.Attempts + 1, ToStoredTime(now + lease), ToStoredTime(now)) with { ResentAsTemplate = true };
            _items[(studyDate, phone)] = claim;
            return Task.FromResult<DeliveryRecord?>(claim);
        }
    }

    /// <inheritdoc />
    public Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(claimId);
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Update(studyDate, phone, claimId, claim => claim with
        {
            State = DeliveryState.Failed,
            ErrorCode = errorCode,
            Permanent = permanent,
            UpdatedAt = ToStoredTime(now),
        }));
    }

    /// <inheritdoc />
    public Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_items.GetValueOrDefault((studyDate, phone)) is not { } item
                || !string.Equals(item.MessageId, messageId, StringComparison.Ordinal)
                || !status.Advances(item.DeliveryStatus))
            {
                return Task.FromResult(false);
            }

            var stored = ToStoredTime(at);
            _items[(studyDate, phone)] = item with { DeliveryStatus = status, DeliveryErrorCode = errorCode, DeliveryStatusAt = stored, UpdatedAt = stored };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_items.GetValueOrDefault((studyDate, phone)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<DeliveryRecord> records = [.. _items.Values.Where(r => r.StudyDate == studyDate).OrderBy(r => r.Phone, StringComparer.Ordinal)];
            return Task.FromResult(records);
        }
    }

    /// <summary>The one place a <see cref="DeliveryRecord"/> is built; marks derive theirs from it.</summary>
    private static DeliveryRecord NewClaim(DateOnly studyDate, string phone, int attempts, DateTimeOffset leaseExpiresAt, DateTimeOffset now) => new()
    {
        StudyDate = studyDate,
        Phone = phone,
        State = DeliveryState.Claimed,
        ClaimId = Guid.NewGuid().ToString("N"),
        Attempts = attempts,
        LeaseExpiresAt = leaseExpiresAt,
        MessageId = null,
        ErrorCode = null,
        Permanent = false,
        UpdatedAt = now,
        DeliveryStatus = null,
        DeliveryErrorCode = null,
        DeliveryStatusAt = null,
    };

    private static DateTimeOffset ToStoredTime(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>Applies <paramref name="mark"/> if the item is still claimed by <paramref name="claimId"/>.</summary>
    private bool Update(DateOnly studyDate, string phone, string claimId, Func<DeliveryRecord, DeliveryRecord> mark)
    {
        lock (_gate)
        {
            if (_items.GetValueOrDefault((studyDate, phone)) is not { State: DeliveryState.Claimed } claim
                || !string.Equals(claim.ClaimId, claimId, StringComparison.Ordinal))
            {
                return false;
            }

            _items[(studyDate, phone)] = mark(claim);
            return true;
        }
    }
}
