using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Tests.Calendar;

public sealed class StudyClockTests
{
    [Fact]
    public void Today_is_the_date_in_the_operators_zone_not_in_utc()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T05:30:00Z"));
        var clock = new StudyClock(time, Options.Create(new ScheduleOptions()));

        Assert.Equal(new DateOnly(2026, 11, 24), clock.Today());

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new DateOnly(2026, 11, 25), clock.Today());
    }

    [Fact]
    public void Other_zones_are_honoured()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-25T22:30:00Z"));
        var clock = new StudyClock(time, Options.Create(new ScheduleOptions { TimeZone = "Asia/Jerusalem" }));

        Assert.Equal(new DateOnly(2026, 11, 26), clock.Today());
    }
}
