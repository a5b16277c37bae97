namespace Mitzvah.Core.Calendar;

/// <summary>Which festival calendar decides the rest days: the diaspora's (two-day Yom Tov) or Israel's (one day).</summary>
public enum FestivalCalendar
{
    /// <summary>The diaspora calendar.</summary>
    Diaspora,

    /// <summary>The Israeli calendar.</summary>
    Israel,
}
