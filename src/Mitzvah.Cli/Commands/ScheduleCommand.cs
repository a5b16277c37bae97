using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Study;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah schedule</c>: one line per date with its cycle day, rest status and what its message covers.</summary>
internal static class ScheduleCommand
{
    public static Command Create(TextWriter stdout)
    {
        var from = CliOptions.Date("--from", "First date.", required: true);
        var to = CliOptions.Date("--to", "Last date (inclusive).", required: true);
        var israel = CliOptions.Israel();
        var noRestDays = CliOptions.NoRestDays();
        var zone = CliOptions.Zone();
        var sendTime = CliOptions.SendTime();
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var command = new Command("schedule", "List the study and send plan for a range of dates, with when each message goes out.")
        {
            from, to, israel, noRestDays, zone, sendTime, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var first = parse.GetValue(from)!.Value;
            var last = parse.GetValue(to)!.Value;
            StudyCycle.EnsureSupported(first);
            StudyCycle.EnsureSupported(last);
            if (last < first)
            {
                throw new CliUsageException($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}.");
            }

            var options = CliServices.Schedule(parse.GetValue(israel), parse.GetValue(noRestDays));
            var subscriber = new Subscriber(parse.GetValue(zone) ?? options.TimeZone, parse.GetValue(sendTime) ?? options.SendTime);
            await WriteAsync(stdout, first, last, options, subscriber, parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            return MitzvahCli.Success;
        });
        return command;
    }

    internal static async Task WriteAsync(
        TextWriter output, DateOnly first, DateOnly last, ScheduleOptions options, Subscriber subscriber, bool json, CancellationToken cancellationToken)
    {
        var planner = new DeliveryPlanner(StudyCycle.Default, Options.Create(options));
        var buffer = new ArrayBufferWriter<byte>(256);
        var chunk = new StringBuilder(64 * 1024);
        using var writer = new Utf8JsonWriter(buffer);
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            var plan = planner.Plan(date);
            var sendAt = plan.Send ? SendMoment.For(date, subscriber.SendTime, subscriber.Zone, restDayBegins: plan.Covers.Count > 1) : (DateTimeOffset?)null;
            if (json)
            {
                buffer.ResetWrittenCount();
                writer.Reset(buffer);
                WriteJson(writer, plan, sendAt);
                writer.Flush();
                chunk.Append(Encoding.UTF8.GetString(buffer.WrittenSpan)).Append('\n');
            }
            else
            {
                chunk.Append(TextLine(plan, sendAt)).Append('\n');
            }

            if (chunk.Length > 60 * 1024)
            {
                await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        await output.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the send time depends on: a subscriber's zone and local send time.</summary>
    internal sealed record Subscriber(string Zone, TimeOnly SendTime);

    /// <summary>ISO 8601 to the minute with the zone's offset, as people and parsers read it.</summary>
    internal static string Format(DateTimeOffset moment) => moment.ToString("yyyy-MM-dd'T'HH:mmzzz", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteJson(Utf8JsonWriter writer, DeliveryPlan plan, DateTimeOffset? sendAt)
    {
        var study = StudyCycle.Default.GetDay(plan.Date);
        writer.WriteStartObject();
        writer.WriteString("date", plan.Date.ToString("yyyy-MM-dd"));
        writer.WriteString("hebrewDate", plan.Day.HebrewDate.ToString());
        writer.WriteNumber("cycleDay", study.CycleDay);
        writer.WriteStartArray("codes");
        foreach (var code in study.Codes)
        {
            writer.WriteStringValue(code);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("restDay", plan.Day.IsRestDay);
        writer.WriteString("restReason", plan.Day.RestReason);
        writer.WriteBoolean("send", plan.Send);
        writer.WriteStartArray("covers");
        foreach (var covered in plan.Covers)
        {
            writer.WriteStringValue(covered.Date.ToString("yyyy-MM-dd"));
        }

        writer.WriteEndArray();
        if (sendAt is { } moment)
        {
            writer.WriteString("sendAt", Format(moment));
        }

        writer.WriteEndObject();
    }

    private static string TextLine(DeliveryPlan plan, DateTimeOffset? sendAt)
    {
        var study = StudyCycle.Default.GetDay(plan.Date);
        var at = sendAt is { } moment ? $" at {Format(moment)}" : string.Empty;
        var status = plan.Send
            ? plan.Covers.Count > 1 ? $"send{at}, covers {plan.Covers.Count} days" : $"send{at}"
            : $"no message ({plan.Day.RestReason})";
        return $"{plan.Date:yyyy-MM-dd}  {plan.Day.HebrewDate,-20}  day {study.CycleDay,3}  {string.Join(", ", study.Codes),-40}  {status}";
    }
}
