using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Testing.InMemory;

/// <summary>
/// A ledger whose store is down for one number, as a throttled or unreachable partition would be: claiming
/// <paramref name="unreachable"/> throws (and listing a date, with <see cref="ListingFails"/>); everything else goes to
/// <paramref name="inner"/>.
/// </summary>
public sealed class LedgerUnreachableFor(IDeliveryLedger inner, string unreachable) : IDeliveryLedger
{
    /// <summary>Whether <see cref="ListAsync"/> throws too, as a query of a whole date would on a throttled table.</summary>
    public bool ListingFails { get; init; }

    public Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        phone == unreachable ? throw new IOException("The ledger is unreachable.") : inner.TryClaimAsync(studyDate, phone, now, lease, cancellationToken);

    public Task<bool> MarkSentAsync(
        DateOnly studyDate, string phone, string claimId, string messageId, DateTimeOffset now, MessageForm form = MessageForm.Freeform, bool outsideWindow = false, CancellationToken cancellationToken = default) =>
        inner.MarkSentAsync(studyDate, phone, claimId, messageId, now, form, outsideWindow, cancellationToken);

    public Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
        inner.TryClaimResendAsync(studyDate, phone, messageId, now, lease, cancellationToken);

    public Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        inner.MarkFailedAsync(studyDate, phone, claimId, errorCode, permanent, now, cancellationToken);

    public Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        inner.RecordStatusAsync(studyDate, phone, messageId, status, errorCode, at, cancellationToken);

    public Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default) =>
        inner.GetAsync(studyDate, phone, cancellationToken);

    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default) =>
        ListingFails ? throw new IOException("The ledger is unreachable.") : inner.ListAsync(studyDate, cancellationToken);
}
