namespace Mitzvah.Core.Sending;

/// <summary>Who receives the daily message: the store's opted-in subscribers, or a fixed list from configuration.</summary>
public interface IRecipientSource
{
    /// <summary>Where recipients come from, for summaries ("subscribers", "RECIPIENTS").</summary>
    string Kind { get; }

    /// <summary>How many recipients <see cref="ListAsync"/> yields.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Every recipient once, with when it last wrote to us (for WhatsApp's 24-hour window), read page by page so
    /// memory stays bounded.
    /// </summary>
    IAsyncEnumerable<Recipient> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The recipients due at <paramref name="at"/> (their next send time has come), read page by page from the
    /// source's index of due times, so that a tick reads nobody else. A source that keeps no schedule yields every
    /// recipient: the operator's clock then applies to each, and the ledger keeps each to one message a date.
    /// </summary>
    IAsyncEnumerable<Recipient> ListDueAsync(DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves <paramref name="recipient"/>'s next send time from the one listed to <paramref name="nextSendAt"/>;
    /// false when a change rescheduled it meanwhile (that change wins) or the source keeps no schedule.
    /// </summary>
    Task<bool> RescheduleAsync(Recipient recipient, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the provider refused <paramref name="phone"/> for good (<see cref="SendFailureKind.OptedOut"/> or
    /// <see cref="SendFailureKind.InvalidNumber"/>) so later runs leave it out; returns whether anything changed.
    /// </summary>
    Task<bool> MarkUnreachableAsync(string phone, SendFailureKind reason, string errorCode, DateTimeOffset at, CancellationToken cancellationToken = default);
}
