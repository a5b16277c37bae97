using System.Text.Json;

namespace Mitzvah.Cli.Tests;

public sealed class ScheduleCommandTests
{
    [Fact]
    public async Task Json_lines_carry_every_field_per_date()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "2026-10-01", "--to", "2026-10-05", "--json");

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(5, lines.Count);

        var hoshanaRabbah = lines[1];
        Assert.Equal("2026-10-02", hoshanaRabbah.GetProperty("date").GetString());
        Assert.Equal("21 Tishrei 5787", hoshanaRabbah.GetProperty("hebrewDate").GetString());
        Assert.Equal(242, hoshanaRabbah.GetProperty("cycleDay").GetInt32());
        Assert.Equal(["P109", "P237"], hoshanaRabbah.GetProperty("codes").EnumerateArray().Select(code => code.GetString()));
        Assert.False(hoshanaRabbah.GetProperty("restDay").GetBoolean());
        Assert.Equal(JsonValueKind.Null, hoshanaRabbah.GetProperty("restReason").ValueKind);
        Assert.True(hoshanaRabbah.GetProperty("send").GetBoolean());
        Assert.Equal(["2026-10-02", "2026-10-03", "2026-10-04"], hoshanaRabbah.GetProperty("covers").EnumerateArray().Select(d => d.GetString()));

        var sheminiAtzeret = lines[2];
        Assert.True(sheminiAtzeret.GetProperty("restDay").GetBoolean());
        Assert.Equal("Shemini Atzeret", sheminiAtzeret.GetProperty("restReason").GetString());
        Assert.False(sheminiAtzeret.GetProperty("send").GetBoolean());
        Assert.Empty(sheminiAtzeret.GetProperty("covers").EnumerateArray());
    }

    [Fact]
    public async Task Cycle_days_run_consecutively_and_wrap_after_339()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "1984-04-29", "--to", "1985-12-31", "--json");

        var days = run.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("cycleDay").GetInt32()).ToList();
        Assert.Equal(1, days[0]);
        for (var i = 1; i < days.Count; i++)
        {
            Assert.Equal(days[i - 1] % 339 + 1, days[i]);
        }
    }

    [Fact]
    public async Task Codes_are_the_cycle_entry_verbatim()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "1984-04-30", "--to", "1984-04-30", "--json");

        var codes = JsonDocument.Parse(run.StdoutLines.Single()).RootElement.GetProperty("codes");
        Assert.Equal(["Principle 1-3"], codes.EnumerateArray().Select(code => code.GetString()));
    }

    [Fact]
    public async Task With_rest_days_off_every_date_sends_and_covers_itself()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "2026-11-27", "--to", "2026-11-28", "--json", "--no-rest-days");

        foreach (var line in run.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement))
        {
            Assert.True(line.GetProperty("send").GetBoolean());
            Assert.Equal([line.GetProperty("date").GetString()], line.GetProperty("covers").EnumerateArray().Select(d => d.GetString()));
        }
    }

    [Fact]
    public async Task Text_output_has_one_line_per_date()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "2026-11-27", "--to", "2026-11-28");

        Assert.Equal(2, run.StdoutLines.Length);
        Assert.Contains("send at 2026-11-27T10:00-06:00, covers 2 days", run.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("no message (Shabbat)", run.StdoutLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_Helsinki_winter_the_friday_message_moves_before_candle_lighting_and_other_days_stay_at_the_send_time()
    {
        var run = await CliRun.RunAsync("schedule", "--from", "2026-12-06", "--to", "2026-12-19", "--zone", "Europe/Helsinki", "--send-time", "14:00", "--json");

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        foreach (var line in lines)
        {
            var date = DateOnly.Parse(line.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            if (!line.GetProperty("send").GetBoolean())
            {
                Assert.False(line.TryGetProperty("sendAt", out _));
                continue;
            }

            var sendAt = DateTimeOffset.Parse(line.GetProperty("sendAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.FromHours(2), sendAt.Offset);
            Assert.Equal(date, DateOnly.FromDateTime(sendAt.DateTime));
            if (date.DayOfWeek == DayOfWeek.Friday)
            {
                // Sunset in Helsinki is about 15:12 in mid-December: candles at about 14:54, so no later than about
                // 12:54, on the quarter hour of the tick that sends it.
                var latest = Core.Calendar.CandleLighting.On(date, "Europe/Helsinki")!.Value - TimeSpan.FromHours(2);
                Assert.InRange(sendAt, latest - TimeSpan.FromMinutes(15), latest);
                Assert.Equal(0, sendAt.Minute % 15);
                Assert.Equal(new TimeSpan(12, 45, 0), sendAt.TimeOfDay);
            }
            else
            {
                Assert.Equal(new TimeSpan(14, 0, 0), sendAt.TimeOfDay);
            }
        }

        Assert.Equal(2, lines.Count(l => l.GetProperty("send").GetBoolean() && DateOnly.Parse(l.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayOfWeek == DayOfWeek.Friday));
    }

    [Fact]
    public async Task A_summer_friday_keeps_its_send_time_and_the_polar_night_sends_by_noon()
    {
        var helsinki = await CliRun.RunAsync("schedule", "--from", "2027-06-18", "--to", "2027-06-18", "--zone", "Europe/Helsinki", "--send-time", "14:00", "--json");
        var thule = await CliRun.RunAsync("schedule", "--from", "2026-12-18", "--to", "2026-12-18", "--zone", "America/Thule", "--send-time", "14:00", "--json");

        Assert.Equal("2027-06-18T14:00+03:00", JsonDocument.Parse(helsinki.StdoutLines.Single()).RootElement.GetProperty("sendAt").GetString());
        Assert.Equal("2026-12-18T12:00-04:00", JsonDocument.Parse(thule.StdoutLines.Single()).RootElement.GetProperty("sendAt").GetString());
    }

    [Theory]
    [InlineData("2027-03-14", "02:30", "2027-03-14T03:00-04:00")] // the clocks skip 02:00-03:00: the first moment after
    [InlineData("2026-11-01", "01:30", "2026-11-01T01:30-04:00")] // 01:00-02:00 happens twice: the first, once
    public async Task Across_daylight_saving_changes_a_send_time_goes_out_once(string date, string time, string expected)
    {
        var run = await CliRun.RunAsync("schedule", "--from", date, "--to", date, "--zone", "America/New_York", "--send-time", time, "--json", "--no-rest-days");

        Assert.Equal(expected, JsonDocument.Parse(run.StdoutLines.Single()).RootElement.GetProperty("sendAt").GetString());
    }

    [Fact]
    public async Task Preview_with_a_zone_says_when_the_message_goes_out()
    {
        var friday = await CliRun.RunAsync("preview", "--date", "2026-12-18", "--zone", "Asia/Jerusalem", "--send-time", "15:00");
        var shabbat = await CliRun.RunAsync("preview", "--date", "2026-12-19", "--zone", "Asia/Jerusalem");

        Assert.Equal(0, friday.ExitCode);
        Assert.Matches(@"^Goes out at 2026-12-18T13:[45]\d\+02:00 \(Asia/Jerusalem\)\n\n", friday.Stdout);
        Assert.StartsWith("No message goes out", shabbat.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("schedule", "--from", "2026-12-01", "--to", "2026-12-02", "--zone", "Mars/Olympus")]
    [InlineData("schedule", "--from", "2026-12-01", "--to", "2026-12-02", "--send-time", "14:07")]
    [InlineData("schedule", "--from", "2026-12-01", "--to", "2026-12-02", "--send-time", "2pm")]
    [InlineData("preview", "--send-time", "25:00")]
    public async Task A_bad_zone_or_send_time_is_one_line_on_stderr(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("schedule", "--from", "1984-04-28", "--to", "1984-05-01", "--json")]
    [InlineData("schedule", "--from", "2026-01-02", "--to", "2026-01-01", "--json")]
    [InlineData("schedule", "--from", "2026-01-01", "--json")]
    [InlineData("schedule", "--from", "2026-01-01", "--to", "tomorrow")]
    [InlineData("schedule", "--from", "2239-09-01", "--to", "2239-10-01")]
    public async Task Bad_ranges_print_one_line_on_stderr_and_nothing_on_stdout(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
