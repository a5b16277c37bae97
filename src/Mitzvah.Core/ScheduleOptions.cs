namespace Mitzvah.Core;

/// <summary>When messages go out and which calendar decides rest days.</summary>
public sealed class ScheduleOptions
{
    /// <summary>IANA time-zone id of the send time; "today" is today in this zone. Default America/Chicago.</summary>
    public string TimeZone { get; set; } = "America/Chicago";

    /// <summary>Local hour (0-23) in <see cref="TimeZone"/> at which the daily message goes out. Default 10.</summary>
    public int SendHour { get; set; } = 10;

    /// <summary>Use the Israeli (one-day) festival calendar instead of the diaspora one.</summary>
    public bool InIsrael { get; set; }

    /// <summary>
    /// Send nothing on Shabbat and Yom Tov; the last message before them covers them. Default on. When off, every day
    /// gets its own message.
    /// </summary>
    public bool SkipRestDays { get; set; } = true;
}
