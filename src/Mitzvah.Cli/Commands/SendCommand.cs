using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Sending;

namespace Mitzvah.Cli.Commands;

/// <summary>
/// <c>mitzvah send</c>: one tick (every subscriber whose send moment has come gets their local date's message), or
/// with <c>--date</c> that study date's message to everyone who has not had it. The last stdout line is the run
/// summary as one JSON object.
/// </summary>
internal static class SendCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> database, bool terminal)
    {
        var date = CliOptions.Date("--date", "Send this study date's message to every opted-in subscriber who has not had it, whatever their clock.");
        var at = CliOptions.Instant("--at", "Run the tick as of this instant instead of now (operators, simulations).");
        var to = new Option<string?>("--to")
        {
            Description = "Send only to this number (a test; the delivery ledger is not used).",
            HelpName = "+E164",
        };
        var concurrency = new Option<int?>("--concurrency")
        {
            Description = "Most messages in flight at once (default: MITZVAH_SEND_CONCURRENCY, else 16).",
            HelpName = "1-256",
        };
        var outbox = new Option<string?>("--outbox")
        {
            Description = $"Folder for messages when no Twilio credentials are set (default: MITZVAH_OUTBOX, else ./{CliServices.DefaultOutbox}).",
            HelpName = "dir",
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan, compose and count recipients; send nothing." };
        var command = new Command("send", "Run one tick: each subscriber whose local send time has come gets their day's message, once.")
        {
            date, at, to, concurrency, outbox, dryRun,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(date) is not null && parse.GetValue(at) is not null)
            {
                throw new CliUsageException("--date and --at do not go together: --date sends one study date to everyone, --at runs the tick as of an instant.");
            }

            var overrides = new Dictionary<string, string?>();
            if (parse.GetValue(concurrency) is { } limit)
            {
                overrides[Core.SettingNames.SendConcurrency] = limit.ToString(CultureInfo.InvariantCulture);
            }

            var configuration = CliServices.Configuration(overrides);
            await using var services = CliServices.Build(
                configuration, CliServices.DatabasePath(parse.GetValue(database), configuration), stderr, parse.GetValue(outbox));
            _ = services.GetRequiredService<IOptions<SendOptions>>().Value;

            string? recipient = null;
            if (parse.GetValue(to) is { } raw)
            {
                recipient = services.GetRequiredService<IPhoneNumberNormalizer>().Normalize(WhatsAppAddress.ToPhone(raw.Trim()))
                    ?? throw new CliUsageException($"--to: '{raw}' is not a phone number; use international form like +14155552671.");
            }

            var messenger = services.GetRequiredService<IMessenger>();
            if (messenger is OutboxMessenger box)
            {
                await stderr.WriteLineAsync($"No Twilio credentials (TWILIO_ACCOUNT_SID is not set): messages are written to {box.Directory}").ConfigureAwait(false);
            }

            using var bar = terminal ? new ProgressBar(stderr) : null;
            var summary = await services.GetRequiredService<DailySendService>()
                .RunAsync(new SendRequest(parse.GetValue(date), recipient, parse.GetValue(dryRun), parse.GetValue(at)), bar, cancellationToken)
                .ConfigureAwait(false);
            bar?.Finish();
            if (summary.Eligible == 0 && recipient is null && services.GetRequiredService<IRecipientSource>() is SubscriberRecipients)
            {
                await HintNoSubscribersAsync(services.GetRequiredService<ISubscriberStore>(), stderr, cancellationToken).ConfigureAwait(false);
            }

            await stdout.WriteLineAsync(summary.ToJson()).ConfigureAwait(false);
            return summary.Failed > 0 ? MitzvahCli.Failure : MitzvahCli.Success;
        });
        return command;
    }

    // An empty run on a new database looks like a fault; say what is missing and how to fix it.
    private static async Task HintNoSubscribersAsync(ISubscriberStore store, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (await store.CountAsync(ConsentStatus.OptedIn, cancellationToken).ConfigureAwait(false) > 0)
        {
            return;
        }

        var others = await store.CountAsync(ConsentStatus.OptedOut, cancellationToken).ConfigureAwait(false)
            + await store.CountAsync(ConsentStatus.Invalid, cancellationToken).ConfigureAwait(false);
        var state = others == 0 ? "No subscribers yet" : $"No subscriber is opted in ({others} opted out or invalid)";
        await stderr.WriteLineAsync($"{state}: add one with 'mitzvah subscribers add +14155552671', or a list with 'mitzvah subscribers import FILE'.")
            .ConfigureAwait(false);
    }
}
