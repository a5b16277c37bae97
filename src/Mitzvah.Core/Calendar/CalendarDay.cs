namespace Mitzvah.Core.Calendar;

/// <summary>A civil date with its Hebrew date and, if no message goes out on it, why.</summary>
/// <param name="Date">The civil date.</param>
/// <param name="HebrewDate">The Hebrew date (daytime).</param>
/// <param name="RestReason">"Shabbat", a festival's name, or <see langword="null"/> on a working day.</param>
public sealed record CalendarDay(DateOnly Date, HebrewDate HebrewDate, string? RestReason)
{
    /// <summary>Whether the day is Shabbat or a Yom Tov.</summary>
    public bool IsRestDay => RestReason is not null;
}
