namespace Mitzvah.Core.Consent;

/// <summary>A subscriber's consent state. Stored as <c>opted_in</c>, <c>opted_out</c>, <c>invalid</c>, <c>pending</c>.</summary>
public enum ConsentStatus
{
    /// <summary>Receives the daily message.</summary>
    OptedIn,

    /// <summary>Asked not to receive messages (or the carrier reported so).</summary>
    OptedOut,

    /// <summary>The number cannot receive messages; nothing is sent to it.</summary>
    Invalid,

    /// <summary>
    /// Asked for on the web, not yet confirmed by the number's owner: receives nothing until the owner writes an
    /// opt-in keyword, and counts as never requested once <see cref="Subscriber.PendingExpiresAt"/> has passed.
    /// </summary>
    Pending,
}
