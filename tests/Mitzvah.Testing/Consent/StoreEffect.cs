namespace Mitzvah.Testing.Consent;

/// <summary>What a scenario must have done to the store.</summary>
public enum StoreEffect
{
    /// <summary>Nothing written: same subscriber, same history.</summary>
    None,

    /// <summary>The number is opted in with one more history entry.</summary>
    OptedIn,

    /// <summary>The number is opted out with one more history entry.</summary>
    OptedOut,

    /// <summary>The number is pending (asked for on the web, unconfirmed) with one more history entry.</summary>
    Pending,

    /// <summary>The number's delivery preferences changed with one more history entry, a preference change; the status stayed.</summary>
    PreferenceChanged,
}
