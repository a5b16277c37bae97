using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah preview</c>: the message a subscriber receives on a date.</summary>
internal static class PreviewCommand
{
    public static Command Create(TextWriter stdout)
    {
        var date = CliOptions.Date("--date", "The send date (default: today in the send time zone).");
        var israel = CliOptions.Israel();
        var noRestDays = CliOptions.NoRestDays();
        var template = new Option<bool>("--template") { Description = "Also print the WhatsApp template variables." };
        var zone = CliOptions.Zone();
        var sendTime = CliOptions.SendTime();
        var command = new Command("preview", "Show the message subscribers receive on a date; with --zone or --send-time, also when it goes out.")
        {
            date, israel, noRestDays, template, zone, sendTime,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = CliServices.Schedule(parse.GetValue(israel), parse.GetValue(noRestDays));
            var day = parse.GetValue(date) ?? new StudyClock(TimeProvider.System, Options.Create(options)).Today();
            var text = Render(day, options, parse.GetValue(template));
            if (parse.GetValue(zone) is not null || parse.GetValue(sendTime) is not null)
            {
                var subscriber = new ScheduleCommand.Subscriber(parse.GetValue(zone) ?? options.TimeZone, parse.GetValue(sendTime) ?? options.SendTime);
                text = SendTimeLine(day, options, subscriber) + text;
            }

            await stdout.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            return MitzvahCli.Success;
        });
        return command;
    }

    internal static string Render(DateOnly date, ScheduleOptions options, bool withTemplate)
    {
        var planner = new DeliveryPlanner(StudyCycle.Default, Options.Create(options));
        var plan = planner.Plan(date);
        if (!plan.Send)
        {
            return NoMessageLine(plan, planner) + "\n";
        }

        var message = new DailyMessageComposer(MitzvahCatalogue.Default).Compose(plan).WhatsApp;
        if (!withTemplate)
        {
            return message.Body + "\n";
        }

        // Numbered as the template's placeholders.
        var variables = message.Variables;
        return $"{message.Body}\n\n{{{{1}}}} {variables.DateLine}\n{{{{2}}}} {variables.Readings}\n{{{{3}}}} {variables.Link}\n";
    }

    /// <summary>"Goes out at …\n", or nothing on a date that sends nothing (its own line says so).</summary>
    private static string SendTimeLine(DateOnly date, ScheduleOptions options, ScheduleCommand.Subscriber subscriber)
    {
        var plan = new DeliveryPlanner(StudyCycle.Default, Options.Create(options)).Plan(date);
        if (!plan.Send)
        {
            return string.Empty;
        }

        var moment = SendMoment.For(date, subscriber.SendTime, subscriber.Zone, restDayBegins: plan.Covers.Count > 1);
        return $"Goes out at {ScheduleCommand.Format(moment)} ({subscriber.Zone})\n\n";
    }

    private static string NoMessageLine(DeliveryPlan plan, DeliveryPlanner planner)
    {
        var day = plan.Day;
        var carrier = planner.PlanCarrying(day.Date);
        return $"No message goes out on {day.Date.ToString("dddd, d MMMM yyyy", CultureInfo.InvariantCulture)} ({day.HebrewDate}): {day.RestReason}. "
            + $"Its study goes out with the message of {carrier.Date.ToString("dddd, d MMMM", CultureInfo.InvariantCulture)}.";
    }
}
