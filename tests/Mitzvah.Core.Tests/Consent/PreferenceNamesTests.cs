using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests.Consent;

public sealed class PreferenceNamesTests
{
    [Theory]
    [InlineData(FestivalCalendar.Diaspora, "diaspora")]
    [InlineData(FestivalCalendar.Israel, "israel")]
    public void Calendars_have_stable_storage_names_that_parse_back(FestivalCalendar calendar, string name)
    {
        Assert.Equal(name, calendar.ToName());
        Assert.Equal(calendar, PreferenceNames.ParseCalendar(name));
    }

    [Theory]
    [InlineData("Israel")]
    [InlineData("")]
    [InlineData("eretz")]
    public void Unknown_calendar_names_are_rejected(string name)
    {
        Assert.Throws<FormatException>(() => PreferenceNames.ParseCalendar(name));
    }

    [Theory]
    [InlineData(0, 0, "00:00")]
    [InlineData(7, 5, "07:05")]
    [InlineData(23, 59, "23:59")]
    public void Send_times_are_stored_as_24_hour_hours_and_minutes(int hour, int minute, string text)
    {
        var time = new TimeOnly(hour, minute);

        Assert.Equal(text, PreferenceNames.FormatSendTime(time));
        Assert.Equal(time, PreferenceNames.ParseSendTime(text));
    }

    [Fact]
    public void Dates_are_stored_as_iso_text()
    {
        Assert.Equal("2025-04-09", PreferenceNames.FormatDate(new DateOnly(2025, 4, 9)));
        Assert.Equal(DateOnly.MaxValue, PreferenceNames.ParseDate(PreferenceNames.FormatDate(DateOnly.MaxValue)));
        Assert.Throws<FormatException>(() => PreferenceNames.ParseDate("09/04/2025"));
    }
}
