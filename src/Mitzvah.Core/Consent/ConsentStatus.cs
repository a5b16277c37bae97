namespace Mitzvah.Core.Consent;

/// <summary>A subscriber's consent state. Stored as <c>opted_in</c>, <c>opted_out</c>, <c>invalid</c>.</summary>
public enum ConsentStatus
{
    /// <summary>Receives the daily message.</summary>
    OptedIn,

    /// <summary>Asked not to receive messages (or the carrier reported so).</summary>
    OptedOut,

    /// <summary>The number cannot receive messages; nothing is sent to it.</summary>
    Invalid,
}
