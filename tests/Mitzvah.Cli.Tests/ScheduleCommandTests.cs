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
        Assert.Contains("send, covers 2 days", run.StdoutLines[0], StringComparison.Ordinal);
        Assert.Contains("no message (Shabbat)", run.StdoutLines[1], StringComparison.Ordinal);
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
