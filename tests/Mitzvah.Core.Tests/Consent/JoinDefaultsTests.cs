using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests.Consent;

public sealed class JoinDefaultsTests
{
    private static readonly ScheduleOptions Chicago = new() { TimeZone = "America/Chicago" };

    [Fact]
    public void An_israeli_number_joins_in_jerusalem_on_the_israeli_calendar()
    {
        var preferences = JoinDefaults.For("+972501234567", ["Asia/Jerusalem"], Chicago);

        Assert.Equal("Asia/Jerusalem", preferences.TimeZone);
        Assert.Equal(FestivalCalendar.Israel, preferences.Calendar);
        Assert.Null(preferences.SendTime);
    }

    [Fact]
    public void Of_several_zones_the_operators_wins_if_it_is_one_else_the_first()
    {
        string[] us = ["America/New_York", "America/Chicago", "America/Denver"];

        Assert.Equal("America/Chicago", JoinDefaults.For("+18005550123", us, Chicago).TimeZone);
        Assert.Equal("America/New_York", JoinDefaults.For("+18005550123", us, new ScheduleOptions { TimeZone = "Europe/London" }).TimeZone);
        Assert.Equal(FestivalCalendar.Diaspora, JoinDefaults.For("+18005550123", us, Chicago).Calendar);
    }

    [Fact]
    public void A_number_without_a_known_zone_keeps_the_operators() =>
        Assert.Null(JoinDefaults.For("+8823123456789", [], Chicago).TimeZone);
}
