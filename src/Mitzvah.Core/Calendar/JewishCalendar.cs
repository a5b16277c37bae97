namespace Mitzvah.Core.Calendar;

/// <summary>Rest days (Shabbat and Yom Tov) and Hebrew dates.</summary>
/// <remarks>
/// Pure and thread-safe. Yom Tov follows the diaspora calendar by default (second festival days, Simchat Torah on
/// 23 Tishrei); with <c>inIsrael</c> the one-day Israeli calendar applies. A festival that falls on Shabbat is
/// reported by the festival's name.
/// </remarks>
public static class JewishCalendar
{
    /// <summary>Describes a civil date.</summary>
    public static CalendarDay Describe(DateOnly date, bool inIsrael)
    {
        var hebrew = HebrewDate.FromDate(date);
        var reason = FestivalName(hebrew, inIsrael) ?? (date.DayOfWeek == DayOfWeek.Saturday ? "Shabbat" : null);
        return new CalendarDay(date, hebrew, reason);
    }

    /// <summary>The Yom Tov falling on a Hebrew date, or <see langword="null"/>.</summary>
    public static string? FestivalName(HebrewDate date, bool inIsrael)
    {
        var diaspora = !inIsrael;
        return (date.CommonMonth, date.Day) switch
        {
            (1, 1 or 2) => "Rosh Hashanah",
            (1, 10) => "Yom Kippur",
            (1, 15) => "Sukkot",
            (1, 16) when diaspora => "Sukkot",
            (1, 22) => "Shemini Atzeret",
            (1, 23) when diaspora => "Simchat Torah",
            (7, 15) => "Pesach",
            (7, 16) when diaspora => "Pesach",
            (7, 21) => "Pesach",
            (7, 22) when diaspora => "Pesach",
            (9, 6) => "Shavuot",
            (9, 7) when diaspora => "Shavuot",
            _ => null,
        };
    }
}
