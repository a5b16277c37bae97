using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests.Consent;

public sealed class PreferenceCommandTests
{
    [Theory]
    [InlineData("TIME 7:30", 7, 30)]
    [InlineData("time 07:30", 7, 30)]
    [InlineData("Time 7am", 7, 0)]
    [InlineData("TIME 7 am", 7, 0)]
    [InlineData("TIME 7:45pm", 19, 45)]
    [InlineData("TIME 12am", 0, 0)]
    [InlineData("TIME 12 p.m.", 12, 0)]
    [InlineData("TIME 19:00", 19, 0)]
    [InlineData("TIME 7.15", 7, 15)]
    [InlineData("time: 6", 6, 0)]
    [InlineData("  TIME 21:15!  ", 21, 15)]
    public void A_time_on_a_quarter_hour_is_read_in_24_or_12_hour_form(string body, int hour, int minute)
    {
        var command = PreferenceCommand.Parse(body);

        Assert.Equal(PreferenceCommandKind.Time, command?.Kind);
        Assert.Null(command?.Error);
        Assert.Equal(new TimeOnly(hour, minute), command?.Time);
    }

    [Theory]
    [InlineData("TIME")]
    [InlineData("TIME 7:10")]
    [InlineData("TIME 25:00")]
    [InlineData("TIME 13pm")]
    [InlineData("TIME soon")]
    [InlineData("TIME 7:30 tomorrow")]
    public void An_unreadable_time_is_an_invalid_command_with_an_example(string body)
    {
        var command = PreferenceCommand.Parse(body);

        Assert.Equal(PreferenceCommandKind.Time, command?.Kind);
        Assert.Null(command?.Time);
        Assert.Contains("TIME 7:30", command?.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ZONE Europe/London", "Europe/London")]
    [InlineData("zone europe/london", "Europe/London")]
    [InlineData("ZONE London", "Europe/London")]
    [InlineData("ZONE new york", "America/New_York")]
    [InlineData("ZONE New_York", "America/New_York")]
    [InlineData("ZONE Jerusalem", "Asia/Jerusalem")]
    [InlineData("ZONE Tel Aviv", "Asia/Jerusalem")]
    [InlineData("ZONE US/Eastern", "America/New_York")]
    [InlineData("ZONE Kiev", "Europe/Kyiv")]
    public void A_zone_is_an_iana_id_or_a_city_that_names_one_zone(string body, string zone)
    {
        var command = PreferenceCommand.Parse(body);

        Assert.Equal(PreferenceCommandKind.Zone, command?.Kind);
        Assert.Equal(zone, command?.Zone);
    }

    [Theory]
    [InlineData("ZONE")]
    [InlineData("ZONE Atlantis")]
    [InlineData("ZONE Etc/Nowhere")]
    public void An_unknown_zone_is_an_invalid_command_with_an_example(string body)
    {
        var command = PreferenceCommand.Parse(body);

        Assert.Null(command?.Zone);
        Assert.Contains("ZONE Europe/London", command?.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ISRAEL", FestivalCalendar.Israel)]
    [InlineData("israel.", FestivalCalendar.Israel)]
    [InlineData("Diaspora", FestivalCalendar.Diaspora)]
    public void Israel_and_diaspora_choose_the_calendar(string body, FestivalCalendar calendar) =>
        Assert.Equal(calendar, PreferenceCommand.Parse(body)?.Calendar);

    [Theory]
    [InlineData("PAUSE", null)]
    [InlineData("pause 7", 7)]
    [InlineData("PAUSE 1", 1)]
    [InlineData("PAUSE 90 days", 90)]
    [InlineData("Pause 3 day", 3)]
    public void Pause_is_until_resume_or_for_1_to_90_days(string body, int? days)
    {
        var command = PreferenceCommand.Parse(body);

        Assert.Equal(PreferenceCommandKind.Pause, command?.Kind);
        Assert.Null(command?.Error);
        Assert.Equal(days, command?.PauseDays);
    }

    [Theory]
    [InlineData("PAUSE 0")]
    [InlineData("PAUSE 91")]
    [InlineData("PAUSE a week")]
    public void A_pause_out_of_range_is_invalid_with_an_example(string body) =>
        Assert.Contains("PAUSE 7", PreferenceCommand.Parse(body)?.Error, StringComparison.Ordinal);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("STOP")]
    [InlineData("JOIN MITZVAH")]
    [InlineData("Israel is where I live")]
    [InlineData("resume please")]
    [InlineData("timetable")]
    public void Other_messages_are_not_preference_commands(string? body) =>
        Assert.Null(PreferenceCommand.Parse(body));

    [Fact]
    public void Resume_ends_a_pause() =>
        Assert.Equal(PreferenceCommandKind.Resume, PreferenceCommand.Parse("Resume!")?.Kind);
}
