using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Tests.Calendar;

public sealed class StudyClockTests
{
    [Fact]
    public void Today_is_the_date_in_the_send_zone_not_in_utc()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T05:30:00Z"));
        var clock = new StudyClock(time, Options.Create(new ScheduleOptions()));

        Assert.Equal(new DateOnly(2026, 11, 24), clock.Today());

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new DateOnly(2026, 11, 25), clock.Today());
    }

    [Theory]
    [InlineData("2026-03-07T16:00:00Z", false)] // CST: 10:00
    [InlineData("2026-03-07T15:00:00Z", true)] // CST: 09:00
    [InlineData("2026-03-07T15:59:59Z", true)] // CST: 09:59:59
    [InlineData("2026-03-08T15:00:00Z", false)] // daylight time began at 02:00 that morning: 10:00 CDT
    [InlineData("2026-03-08T16:00:00Z", false)] // 11:00 CDT
    [InlineData("2026-11-01T15:00:00Z", true)] // daylight time ended at 02:00 that morning: 09:00 CST
    [InlineData("2026-11-01T16:00:00Z", false)] // 10:00 CST
    [InlineData("2026-11-02T05:59:00Z", false)] // 23:59 CST on the 1st: late, but not before the send hour
    public void Of_the_two_candidate_utc_hours_only_a_winter_15_00_is_before_the_send_hour(string instant, bool expected)
    {
        var clock = new StudyClock(TimeProvider.System, Options.Create(new ScheduleOptions()));

        Assert.Equal(expected, clock.IsBeforeSendHour(DateTimeOffset.Parse(instant)));
    }

    [Fact]
    public void Other_zones_are_honoured()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T22:30:00Z"));
        var clock = new StudyClock(time, Options.Create(new ScheduleOptions { TimeZone = "Asia/Jerusalem" }));

        Assert.Equal(new DateOnly(2026, 11, 26), clock.Today());
    }
}
