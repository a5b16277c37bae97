using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Delivery;

/// <summary>Makes the daily send exactly-once per (study date, phone).</summary>
/// <remarks>
/// <para>
/// Every implementation passes the delivery ledger contract suite. There is exactly one item per (study date, phone),
/// and every write is a single conditional write of that item, so the ledger maps onto stores without transactions
/// (a conditional put, an ETag-guarded update or an insert). Keys are <see cref="Consent.AddressKey"/>s: E.164
/// numbers for WhatsApp, mailto: and an address for mail (one item per address and date); any other value throws
/// <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// A sender calls <see cref="TryClaimAsync"/> and sends only if it returns a record, then reports the outcome with
/// <see cref="MarkSentAsync"/> or <see cref="MarkFailedAsync"/> using that record's <see cref="DeliveryRecord.ClaimId"/>.
/// A run that dies after its claim leaves a <see cref="DeliveryState.Claimed"/> item whose lease lapses; the next run
/// takes it over. Exactly-once therefore holds as long as a send finishes within its lease.
/// </para>
/// <para>
/// Timestamps are kept to the millisecond, in UTC; finer fractions are dropped. Implementations are thread-safe, and
/// concurrent callers, in one process or many, see each item change atomically.
/// </para>
/// </remarks>
public interface IDeliveryLedger
{
    /// <summary>Claims the send of <paramref name="studyDate"/>'s message to <paramref name="phone"/>.</summary>
    /// <remarks>
    /// <para>
    /// Succeeds when there is no item, when the item is <see cref="DeliveryState.Failed"/> and not
    /// <see cref="DeliveryRecord.Permanent"/>, or when it is <see cref="DeliveryState.Claimed"/> and its lease has
    /// expired (<see cref="DeliveryRecord.LeaseExpiresAt"/> &lt;= <paramref name="now"/>). The item then becomes
    /// <see cref="DeliveryState.Claimed"/> with a fresh <see cref="DeliveryRecord.ClaimId"/> (a GUID, "N" format),
    /// <see cref="DeliveryRecord.Attempts"/> one more than before, a lease until <paramref name="now"/> +
    /// <paramref name="lease"/>, no message id, error code, permanence, delivery status or form, not
    /// <see cref="DeliveryRecord.OutsideWindow"/>, and <paramref name="now"/> as its update time;
    /// <see cref="DeliveryRecord.ResentAsTemplate"/> keeps its value. That record is returned.
    /// </para>
    /// <para>
    /// Returns <see langword="null"/>, changing nothing, when the item is <see cref="DeliveryState.Sent"/>, claimed
    /// with a live lease, or permanently failed. Of any number of concurrent claims of one item, exactly one wins.
    /// </para>
    /// </remarks>
    /// <param name="studyDate">The date whose message is to be sent.</param>
    /// <param name="phone">The recipient's address key (<see cref="Consent.AddressKey"/>): its number in E.164, or mailto: and an address for a mail.</param>
    /// <param name="now">The current time.</param>
    /// <param name="lease">How long the claim holds; positive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records that the claimed message was accepted by the provider as <paramref name="messageId"/>.</summary>
    /// <remarks>
    /// Writes only if the item is still <see cref="DeliveryState.Claimed"/> by <paramref name="claimId"/>, even when
    /// the lease has lapsed, and returns whether it wrote. The item becomes <see cref="DeliveryState.Sent"/>, which is
    /// final except for one resend (<see cref="TryClaimResendAsync"/>), with <paramref name="form"/> and
    /// <paramref name="outsideWindow"/>. A claim that another run has taken over, or an item already marked, is left
    /// unchanged.
    /// </remarks>
    /// <param name="studyDate">The date whose message was sent.</param>
    /// <param name="phone">The recipient's address key (<see cref="Consent.AddressKey"/>): its number in E.164, or mailto: and an address for a mail.</param>
    /// <param name="claimId">The <see cref="DeliveryRecord.ClaimId"/> returned by the claim.</param>
    /// <param name="messageId">The provider's message id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="form">The form the message was sent in.</param>
    /// <param name="outsideWindow">It was sent freeform while the recipient's 24-hour window was closed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> MarkSentAsync(
        DateOnly studyDate,
        string phone,
        string claimId,
        string messageId,
        DateTimeOffset now,
        MessageForm form = MessageForm.Freeform,
        bool outsideWindow = false,
        CancellationToken cancellationToken = default);

    /// <summary>Claims the one resend, as the template, of a freeform message the provider refused outside the 24-hour window.</summary>
    /// <remarks>
    /// <para>
    /// Succeeds only when the item is <see cref="DeliveryState.Sent"/> with <see cref="DeliveryRecord.MessageId"/>
    /// <paramref name="messageId"/>, <see cref="DeliveryRecord.Form"/> <see cref="MessageForm.Freeform"/> and
    /// <see cref="DeliveryRecord.ResentAsTemplate"/> false. The item then becomes <see cref="DeliveryState.Claimed"/>
    /// as by <see cref="TryClaimAsync"/> (fresh claim id, one more attempt, a lease, no message id, error, delivery
    /// status or form) with <see cref="DeliveryRecord.ResentAsTemplate"/> true; the caller sends the template and
    /// reports it with <see cref="MarkSentAsync"/> (form <see cref="MessageForm.Template"/>) or
    /// <see cref="MarkFailedAsync"/>.
    /// </para>
    /// <para>
    /// Returns <see langword="null"/>, changing nothing, otherwise: of any number of concurrent calls (a callback
    /// delivered twice) exactly one wins, and no item is ever resent twice.
    /// </para>
    /// </remarks>
    /// <param name="studyDate">The date whose message it is.</param>
    /// <param name="phone">The recipient's address key (<see cref="Consent.AddressKey"/>): its number in E.164, or mailto: and an address for a mail.</param>
    /// <param name="messageId">The refused freeform message's id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="lease">How long the claim holds; positive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records that the claimed send failed with <paramref name="errorCode"/>.</summary>
    /// <remarks>
    /// Writes only if the item is still <see cref="DeliveryState.Claimed"/> by <paramref name="claimId"/>, and returns
    /// whether it wrote. The item becomes <see cref="DeliveryState.Failed"/>; a later claim may retry it unless
    /// <paramref name="permanent"/> is set.
    /// </remarks>
    /// <param name="studyDate">The date whose message failed.</param>
    /// <param name="phone">The recipient's address key (<see cref="Consent.AddressKey"/>): its number in E.164, or mailto: and an address for a mail.</param>
    /// <param name="claimId">The <see cref="DeliveryRecord.ClaimId"/> returned by the claim.</param>
    /// <param name="errorCode">The provider's or sender's error code.</param>
    /// <param name="permanent">Whether retrying is pointless (an invalid number, a blocked recipient).</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a status the provider reported for the message sent as <paramref name="messageId"/>.</summary>
    /// <remarks>
    /// <para>
    /// Writes only if the item exists, its <see cref="DeliveryRecord.MessageId"/> is <paramref name="messageId"/> (a
    /// callback of an earlier message is stale), and <paramref name="status"/> ranks higher than the item's
    /// <see cref="DeliveryRecord.DeliveryStatus"/> (<see cref="DeliveryNames.Advances"/>); returns whether it wrote.
    /// Callbacks arrive out of order and more than once: an older or repeated status changes nothing, and a failure
    /// (<see cref="DeliveryStatus.Failed"/>, <see cref="DeliveryStatus.Undelivered"/>) is final.
    /// </para>
    /// <para>
    /// The write sets <see cref="DeliveryRecord.DeliveryStatus"/>, <see cref="DeliveryRecord.DeliveryErrorCode"/>,
    /// <see cref="DeliveryRecord.DeliveryStatusAt"/> and <see cref="DeliveryRecord.UpdatedAt"/> to <paramref name="at"/>,
    /// and nothing else. Of concurrent calls for one item, each rank is applied at most once and the item ends at the
    /// highest rank offered.
    /// </para>
    /// </remarks>
    /// <param name="studyDate">The date whose message it is.</param>
    /// <param name="phone">The recipient's address key (<see cref="Consent.AddressKey"/>): its number in E.164, or mailto: and an address for a mail.</param>
    /// <param name="messageId">The provider's message id the status is about.</param>
    /// <param name="status">The reported status.</param>
    /// <param name="errorCode">The provider's error code, if it gave one.</param>
    /// <param name="at">When the status arrived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Returns the item of (<paramref name="studyDate"/>, <paramref name="phone"/>), or <see langword="null"/>.</summary>
    Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default);

    /// <summary>Returns every item of <paramref name="studyDate"/>, ordered by phone (ordinal), for run summaries.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default);
}
