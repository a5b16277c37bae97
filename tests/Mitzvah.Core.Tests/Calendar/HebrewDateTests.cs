using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Tests.Calendar;

public sealed class HebrewDateTests
{
    [Theory]
    [InlineData("2026-11-25", "15 Kislev 5787")]
    [InlineData("1984-04-29", "27 Nisan 5744")]
    [InlineData("2026-09-12", "1 Tishrei 5787")]
    [InlineData("2025-03-14", "14 Adar 5785")]
    [InlineData("2024-02-10", "1 Adar I 5784")]
    [InlineData("2024-03-24", "14 Adar II 5784")]
    [InlineData("2024-04-23", "15 Nisan 5784")]
    public void Formats_day_month_and_year_with_adar_i_and_ii_in_leap_years(string civil, string expected)
    {
        Assert.Equal(expected, HebrewDate.FromDate(DateOnly.Parse(civil)).ToString());
    }

    [Fact]
    public void Leap_year_months_map_to_common_year_numbering()
    {
        var nisanInLeapYear = HebrewDate.FromDate(new DateOnly(2024, 4, 23));
        var nisanInCommonYear = HebrewDate.FromDate(new DateOnly(2025, 4, 13));

        Assert.Equal(8, nisanInLeapYear.Month);
        Assert.Equal(7, nisanInLeapYear.CommonMonth);
        Assert.Equal(7, nisanInCommonYear.CommonMonth);
        Assert.Equal("15 Nisan 5785", nisanInCommonYear.ToString());
    }
}
