namespace Mitzvah.Core.Consent;

/// <summary>Which delivery preference a subscriber's message asks to change.</summary>
public enum PreferenceCommandKind
{
    /// <summary><c>TIME 7:30</c>: the local send time.</summary>
    Time,

    /// <summary><c>ZONE Europe/London</c> or <c>ZONE London</c>: the time zone.</summary>
    Zone,

    /// <summary><c>ISRAEL</c> or <c>DIASPORA</c>: the festival calendar.</summary>
    Calendar,

    /// <summary><c>PAUSE</c> (until <c>RESUME</c>) or <c>PAUSE 7</c> (days).</summary>
    Pause,

    /// <summary><c>RESUME</c>: end a pause.</summary>
    Resume,
}
