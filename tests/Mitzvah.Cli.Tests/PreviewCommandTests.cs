using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Calendar;

namespace Mitzvah.Cli.Tests;

public sealed class PreviewCommandTests
{
    [Fact]
    public async Task Prints_the_message_for_a_date()
    {
        var run = await CliRun.RunAsync("preview", "--date", "2026-11-25");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        Assert.StartsWith("*Daily Mitzvah* · Wednesday, 25 November 2026\n_15 Kislev 5787_\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("• Positive Commandment 142 — ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("(Deuteronomy 15:3)\nhttps://www.sefaria.org/Sefer_HaMitzvot%2C_Positive_Commandments.142\n", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("Reply STOP to unsubscribe.\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Says_why_no_message_goes_out_on_shabbat()
    {
        var run = await CliRun.RunAsync("preview", "--date", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(
            "No message goes out on Saturday, 28 November 2026 (18 Kislev 5787): Shabbat. Its study goes out with the message of Friday, 27 November.\n",
            run.Stdout);
    }

    [Fact]
    public async Task With_rest_days_off_shabbat_gets_its_own_message()
    {
        var run = await CliRun.RunAsync("preview", "--date", "2026-11-28", "--no-rest-days");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("*Daily Mitzvah* · Saturday, 28 November 2026", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_israel_the_second_day_of_pesach_is_a_working_day()
    {
        var diaspora = await CliRun.RunAsync("preview", "--date", "2026-04-03");
        var israel = await CliRun.RunAsync("preview", "--date", "2026-04-03", "--israel");

        Assert.StartsWith("No message goes out", diaspora.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("*Daily Mitzvah* · Friday, 3 April 2026", israel.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Template_variables_are_printed_on_request()
    {
        var run = await CliRun.RunAsync("preview", "--date", "2026-11-25", "--template");

        Assert.Contains("{{1}} Wednesday, 25 November 2026 · 15 Kislev 5787\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n{{2}} Wednesday 25 Nov · day 296 of 339: P142 — ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("{{3}} https://www.chabad.org/dailystudy/seferHamitzvos.asp?tdate=11/25/2026\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_date_it_previews_today_in_the_send_time_zone()
    {
        var today = new StudyClock(TimeProvider.System, Options.Create(new ScheduleOptions())).Today();

        var implicitToday = await CliRun.RunAsync("preview");
        var explicitToday = await CliRun.RunAsync("preview", "--date", today.ToString("yyyy-MM-dd"));

        Assert.Equal(0, implicitToday.ExitCode);
        Assert.Equal(explicitToday.Stdout, implicitToday.Stdout);
    }

    [Theory]
    [InlineData("preview", "--date", "2026-13-01")]
    [InlineData("preview", "--date", "25/11/2026")]
    [InlineData("preview", "--date", "1984-04-28")]
    [InlineData("preview", "--date", "2240-01-01")]
    [InlineData("preview", "--bogus")]
    [InlineData("frobnicate")]
    public async Task Bad_arguments_print_one_line_on_stderr_and_exit_2(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("mitzvah: ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_before_the_cycle_names_the_start_date()
    {
        var run = await CliRun.RunAsync("preview", "--date", "1984-04-28");

        Assert.Contains("1984-04-29", run.Stderr, StringComparison.Ordinal);
    }
}
