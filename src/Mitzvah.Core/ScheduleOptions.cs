namespace Mitzvah.Core;

/// <summary>When messages go out and which calendar decides rest days.</summary>
public sealed class ScheduleOptions
{
    /// <summary>
    /// IANA time-zone id of subscribers who chose none, and of the operator's "today" (reports, test sends). Default
    /// America/Chicago.
    /// </summary>
    public string TimeZone { get; set; } = "America/Chicago";

    /// <summary>Local send time of subscribers who chose none, in whole minutes. Default 10:00.</summary>
    public TimeOnly SendTime { get; set; } = new(10, 0);

    /// <summary>Use the Israeli (one-day) festival calendar instead of the diaspora one.</summary>
    public bool InIsrael { get; set; }

    /// <summary>
    /// Send nothing on Shabbat and Yom Tov; the last message before them covers them. Default on. When off, every day
    /// gets its own message.
    /// </summary>
    public bool SkipRestDays { get; set; } = true;
}
