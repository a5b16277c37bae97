using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Delivery;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah report</c>: what became of a study date's messages, from the delivery ledger and its status callbacks.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var date = CliOptions.Date("--date", "The study date (default: today in the send time zone).");
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("report", "Show what reached subscribers' phones: accepted, delivered, read, failed and pending, with error codes.") { date, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = CliServices.Configuration();
            await using var services = CliServices.Build(configuration, CliServices.DatabasePath(parse.GetValue(database), configuration), stderr);
            var day = parse.GetValue(date) ?? services.GetRequiredService<StudyClock>().Today();
            var report = await services.GetRequiredService<DeliveryReporter>().ReportAsync(day, cancellationToken).ConfigureAwait(false);
            await stdout.WriteAsync((parse.GetValue(json) ? report.ToJson() + "\n" : report.ToTable()).AsMemory(), cancellationToken).ConfigureAwait(false);
            return MitzvahCli.Success;
        });
        return command;
    }
}
