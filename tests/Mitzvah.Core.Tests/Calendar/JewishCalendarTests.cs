using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Tests.Calendar;

public sealed class JewishCalendarTests
{
    // Festival dates of 5787 (autumn 2026) and 5786 (spring 2026), as printed in Jewish calendars.
    [Theory]
    [InlineData("2026-09-12", "Rosh Hashanah")]
    [InlineData("2026-09-13", "Rosh Hashanah")]
    [InlineData("2026-09-21", "Yom Kippur")]
    [InlineData("2026-09-26", "Sukkot")]
    [InlineData("2026-09-27", "Sukkot")]
    [InlineData("2026-10-03", "Shemini Atzeret")]
    [InlineData("2026-10-04", "Simchat Torah")]
    [InlineData("2026-04-02", "Pesach")]
    [InlineData("2026-04-03", "Pesach")]
    [InlineData("2026-04-08", "Pesach")]
    [InlineData("2026-04-09", "Pesach")]
    [InlineData("2026-05-22", "Shavuot")]
    [InlineData("2026-05-23", "Shavuot")]
    public void Diaspora_yom_tov_days_are_rest_days(string date, string festival)
    {
        var day = JewishCalendar.Describe(DateOnly.Parse(date), inIsrael: false);

        Assert.True(day.IsRestDay);
        Assert.Equal(festival, day.RestReason);
    }

    [Theory]
    [InlineData("2026-09-27")]
    [InlineData("2026-10-04")]
    [InlineData("2026-04-03")]
    [InlineData("2026-04-09")]
    [InlineData("2026-05-23")]
    public void Second_festival_days_are_working_days_in_israel_unless_shabbat(string date)
    {
        var day = JewishCalendar.Describe(DateOnly.Parse(date), inIsrael: true);

        var expected = day.Date.DayOfWeek == DayOfWeek.Saturday ? "Shabbat" : null;
        Assert.Equal(expected, day.RestReason);
    }

    [Theory]
    [InlineData("2026-09-28")] // Chol HaMoed Sukkot
    [InlineData("2026-10-02")] // Hoshana Rabbah
    [InlineData("2026-04-05")] // Chol HaMoed Pesach
    [InlineData("2026-12-06")] // Chanukah
    [InlineData("2026-11-25")] // an ordinary Wednesday
    public void Other_weekdays_are_working_days(string date)
    {
        Assert.False(JewishCalendar.Describe(DateOnly.Parse(date), inIsrael: false).IsRestDay);
    }

    [Fact]
    public void Every_saturday_is_shabbat()
    {
        for (var date = new DateOnly(2026, 1, 3); date.Year == 2026; date = date.AddDays(7))
        {
            var day = JewishCalendar.Describe(date, inIsrael: false);
            Assert.True(day.IsRestDay);
            Assert.NotNull(day.RestReason);
        }
    }

    [Fact]
    public void A_festival_on_shabbat_is_named_by_the_festival()
    {
        Assert.Equal("Shemini Atzeret", JewishCalendar.Describe(new DateOnly(2026, 10, 3), inIsrael: false).RestReason);
    }

    [Fact]
    public void A_diaspora_year_has_thirteen_yom_tov_days_and_israel_eight()
    {
        static int Count(bool inIsrael) => Enumerable.Range(0, 385)
            .Select(offset => HebrewDate.FromDate(new DateOnly(2026, 9, 12).AddDays(offset)))
            .Where(hebrew => hebrew.Year == 5787)
            .Count(hebrew => JewishCalendar.FestivalName(hebrew, inIsrael) is not null);

        Assert.Equal(13, Count(inIsrael: false));
        Assert.Equal(8, Count(inIsrael: true));
    }
}
