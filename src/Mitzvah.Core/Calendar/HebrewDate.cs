using System.Globalization;

namespace Mitzvah.Core.Calendar;

/// <summary>A date in the Hebrew calendar.</summary>
/// <param name="Year">The Hebrew year, e.g. 5787.</param>
/// <param name="Month">The month as <see cref="HebrewCalendar"/> numbers it: Tishrei is 1; in a leap year 6 is Adar I and 7 Adar II.</param>
/// <param name="Day">Day of the month, 1 to 30.</param>
/// <param name="IsLeapYear">Whether the year has thirteen months.</param>
public readonly record struct HebrewDate(int Year, int Month, int Day, bool IsLeapYear)
{
    private static readonly HebrewCalendar Calendar = new();

    private static readonly string[] CommonYearMonths =
        ["Tishrei", "Cheshvan", "Kislev", "Tevet", "Shevat", "Adar", "Nisan", "Iyar", "Sivan", "Tammuz", "Av", "Elul"];

    private static readonly string[] LeapYearMonths =
        ["Tishrei", "Cheshvan", "Kislev", "Tevet", "Shevat", "Adar I", "Adar II", "Nisan", "Iyar", "Sivan", "Tammuz", "Av", "Elul"];

    /// <summary>The month's English name ("Kislev", "Adar I", "Adar II").</summary>
    public string MonthName => (IsLeapYear ? LeapYearMonths : CommonYearMonths)[Month - 1];

    /// <summary>
    /// The month numbered from Nisan's place in a common year, so that festival rules read the same in leap years:
    /// Tishrei 1 … Adar 6, Nisan 7, Iyar 8, Sivan 9 … Elul 12 (Adar I and Adar II both 6).
    /// </summary>
    public int CommonMonth => IsLeapYear && Month >= 7 ? Month - 1 : Month;

    /// <summary>Converts a civil date.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The date is outside <see cref="HebrewCalendar"/>'s range.</exception>
    public static HebrewDate FromDate(DateOnly date)
    {
        var dateTime = date.ToDateTime(TimeOnly.MinValue);
        var year = Calendar.GetYear(dateTime);
        return new HebrewDate(year, Calendar.GetMonth(dateTime), Calendar.GetDayOfMonth(dateTime), Calendar.IsLeapYear(year));
    }

    /// <summary>"15 Kislev 5787".</summary>
    public override string ToString() => $"{Day} {MonthName} {Year}";

    /// <summary>"15 Kislev", without the year.</summary>
    public string ToDayMonthString() => $"{Day} {MonthName}";
}
