using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Mail;

namespace Mitzvah.Cli.Commands;

/// <summary><c>mitzvah subscribers list|add|remove|import|history</c>: operator tools over the subscriber store.</summary>
internal static class SubscribersCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Terminal and file output, never HTML: keep "+" readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var command = new Command("subscribers", "List and manage subscribers.");
        command.Subcommands.Add(List(stdout, stderr, database));
        command.Subcommands.Add(Change("add", "Subscribe a number (recorded as an admin change). A number that unsubscribed itself needs --force.", ConsentStatus.OptedIn, stdout, stderr, database));
        command.Subcommands.Add(Change("remove", "Unsubscribe a number (recorded as an admin change).", ConsentStatus.OptedOut, stdout, stderr, database));
        command.Subcommands.Add(Set(stdout, stderr, database));
        command.Subcommands.Add(AddEmail(stdout, stderr, database));
        command.Subcommands.Add(Import(stdout, stderr, database));
        command.Subcommands.Add(History(stdout, stderr, database));
        return command;
    }

    private static Command List(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var command = new Command("list", "List subscribers: opted in first, then opted out, invalid and pending, then those marked unreachable.") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = Services(parse, database, stderr);
            var store = services.GetRequiredService<ISubscriberStore>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var defaults = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;
            foreach (var status in Enum.GetValues<ConsentStatus>())
            {
                await foreach (var subscriber in store.StreamAsync(status, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    // Marked numbers come last, from their own listing, so that each shows once.
                    if (!subscriber.IsUnreachable)
                    {
                        await stdout.WriteLineAsync(ListLine(subscriber, now, defaults, parse.GetValue(json))).ConfigureAwait(false);
                    }
                }
            }

            string? token = null;
            do
            {
                var page = await store.ListUnreachableAsync(token, 500, cancellationToken).ConfigureAwait(false);
                foreach (var subscriber in page.Items)
                {
                    await stdout.WriteLineAsync(ListLine(subscriber, now, defaults, parse.GetValue(json))).ConfigureAwait(false);
                }

                token = page.ContinuationToken;
            }
            while (token is not null);

            return MitzvahCli.Success;
        });
        return command;
    }

    private static string ListLine(Subscriber subscriber, DateTimeOffset now, ScheduleOptions defaults, bool json)
    {
        var updatedAt = Timestamp(subscriber.UpdatedAt);
        var pendingExpiresAt = subscriber.PendingExpiresAt is { } expires ? Timestamp(expires) : null;
        var pendingExpired = subscriber.PendingExpiresAt is null ? (bool?)null : !subscriber.IsPendingAt(now);
        var unreachableSince = subscriber.UnreachableSince is { } since ? Timestamp(since) : null;
        if (json)
        {
            var preferences = subscriber.Preferences.Resolve(defaults);
            var line = JsonSerializer.SerializeToNode(
                new
                {
                    phone = subscriber.Phone,
                    status = subscriber.Status.ToName(),
                    source = subscriber.Source.ToName(),
                    updatedAt,
                    pendingExpiresAt,
                    pendingExpired,
                    unreachable = subscriber.IsUnreachable,
                    unreachableSince,
                    unreachableErrorCode = subscriber.UnreachableErrorCode,
                    zone = preferences.TimeZone,
                    sendTime = PreferenceNames.FormatSendTime(preferences.SendTime),
                    calendar = preferences.Calendar.ToName(),
                    channel = subscriber.EffectiveChannel.ToName(),
                    email = subscriber.Addresses.Email,
                    emailConfirmed = subscriber.Addresses.Email is null ? (bool?)null : subscriber.IsEmailConfirmed,
                    emailUndeliverable = subscriber.EmailUndeliverableAt is not null,
                },
                Json)!.AsObject();

            // Always present, null when not paused, so that a reader can tell "not paused" from "not reported".
            line["pausedUntil"] = preferences.PausedUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return line.ToJsonString(Json);
        }

        var note = (pendingExpired, unreachableSince) switch
        {
            (true, _) => $"  (request expired {pendingExpiresAt})",
            (false, _) => $"  (awaiting confirmation until {pendingExpiresAt})",
            (_, not null) => $"  unreachable since {unreachableSince} (error {subscriber.UnreachableErrorCode})",
            _ => string.Empty,
        };
        return $"{subscriber.Phone,-16}  {subscriber.Status.ToName(),-9}  {subscriber.Source.ToName(),-16}  {updatedAt}{note}";
    }

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static Command Change(string name, string description, ConsentStatus status, TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var phone = new Argument<string>("phone") { Description = "Phone number, international format (+14155552671)." };
        var force = new Option<bool>("--force") { Description = "Re-subscribe a number even though its owner unsubscribed (you have their consent)." };
        var zone = CliOptions.Zone();
        var time = CliOptions.SendTime("--time", "Local send time, on a quarter hour (default: the operator's).");
        var calendar = CliOptions.Calendar();
        var command = new Command(name, description) { phone };
        if (status == ConsentStatus.OptedIn)
        {
            command.Options.Add(force);
            command.Options.Add(zone);
            command.Options.Add(time);
            command.Options.Add(calendar);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = Services(parse, database, stderr);
            var number = Normalize(services, parse.GetValue(phone));
            var administration = services.GetRequiredService<SubscriberAdministration>();
            var choices = new DeliveryPreferences { TimeZone = parse.GetValue(zone), SendTime = parse.GetValue(time), Calendar = parse.GetValue(calendar) };
            var outcome = status == ConsentStatus.OptedIn
                ? await administration.SubscribeAsync(number, Actor, parse.GetValue(force), choices, cancellationToken).ConfigureAwait(false)
                : await administration.UnsubscribeAsync(number, Actor, cancellationToken).ConfigureAwait(false);
            if (outcome == AdministrationOutcome.RefusedOptedOutByOwner)
            {
                await stderr.WriteLineAsync($"mitzvah: {number} unsubscribed themselves; re-subscribing needs their consent (use --force if you have it).").ConfigureAwait(false);
                return MitzvahCli.Failure;
            }

            await stdout.WriteLineAsync(outcome == AdministrationOutcome.Changed
                ? $"{number} is now {status.ToName()}."
                : $"{number} was already {status.ToName()}; nothing changed.").ConfigureAwait(false);
            // A new number took the choices with its consent; a number on record gets them as a preference change.
            if (status == ConsentStatus.OptedIn && choices != DeliveryPreferences.OperatorDefaults)
            {
                var store = services.GetRequiredService<ISubscriberStore>();
                var current = await store.GetAsync(number, cancellationToken).ConfigureAwait(false);
                var chosen = (current?.Preferences ?? DeliveryPreferences.OperatorDefaults) with
                {
                    TimeZone = parse.GetValue(zone) ?? current?.Preferences.TimeZone,
                    SendTime = parse.GetValue(time) ?? current?.Preferences.SendTime,
                    Calendar = parse.GetValue(calendar) ?? current?.Preferences.Calendar,
                };
                await WritePreferencesAsync(services, number, chosen, stdout, cancellationToken).ConfigureAwait(false);
            }

            return MitzvahCli.Success;
        });
        return command;
    }

    private static Command AddEmail(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var address = new Argument<string>("address") { Description = "Email address, e.g. dina@example.org." };
        var phone = new Option<string?>("--phone") { Description = "Link the address to this subscribed number (channel both) instead of an email-only subscription." };
        var channel = new Option<string?>("--channel") { Description = "With --phone: both (default) or fallback (mail only when WhatsApp cannot deliver)." };
        var command = new Command("add-email", "Send an address its confirmation link (double opt-in); it gets the daily mail once the link is opened.") { address, phone, channel };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(address) ?? string.Empty;
            if (EmailAddress.Problem(given.Trim()) is { } problem)
            {
                throw new CliUsageException(problem);
            }

            DeliveryChannel? chosen = null;
            if (parse.GetValue(channel) is { } name)
            {
                try
                {
                    chosen = PreferenceNames.ParseChannel(name);
                }
                catch (FormatException ex)
                {
                    throw new CliUsageException(ex.Message);
                }

                if (chosen is not (DeliveryChannel.Both or DeliveryChannel.Fallback) || parse.GetValue(phone) is null)
                {
                    throw new CliUsageException("--channel is both or fallback, and goes with --phone.");
                }
            }

            await using var services = Services(parse, database, stderr);
            var number = parse.GetValue(phone) is { } raw ? Normalize(services, raw) : null;
            var request = new EmailSubscribeRequest(given, number, chosen, null, ConsentSource.Admin, new ConsentEvidence(Actor: Actor));
            var (outcome, _) = await services.GetRequiredService<EmailSubscriptions>().SubscribeAsync(request, cancellationToken).ConfigureAwait(false);
            var masked = EmailAddress.Normalize(given);
            switch (outcome)
            {
                case EmailSubscribeOutcome.ConfirmationSent:
                    await stdout.WriteLineAsync($"Confirmation link sent to {masked}; the daily mail starts once it is opened.").ConfigureAwait(false);
                    return MitzvahCli.Success;
                case EmailSubscribeOutcome.AlreadyConfirmed:
                    await stdout.WriteLineAsync($"{masked} is confirmed already; nothing changed.").ConfigureAwait(false);
                    return MitzvahCli.Success;
                case EmailSubscribeOutcome.UnknownPhone:
                    await stderr.WriteLineAsync($"mitzvah: {number} is not subscribed; add it first (subscribers add {number}).").ConfigureAwait(false);
                    return MitzvahCli.Failure;
                default:
                    await stderr.WriteLineAsync($"mitzvah: {masked} is recorded, but its confirmation mail could not be sent now; run this again to resend it.").ConfigureAwait(false);
                    return MitzvahCli.Failure;
            }
        });
        return command;
    }

    private static Command Set(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var phone = new Argument<string>("phone") { Description = "Phone number of a subscriber, international format (+14155552671)." };
        var zone = CliOptions.Zone();
        var time = CliOptions.SendTime("--time", "Local send time, on a quarter hour.");
        var calendar = CliOptions.Calendar();
        var pauseUntil = CliOptions.Date("--pause-until", "Send nothing before this date; its message is the first again.");
        var resume = new Option<bool>("--resume") { Description = "End a pause." };
        var command = new Command("set", "Change a subscriber's delivery preferences (not a consent change).") { phone, zone, time, calendar, pauseUntil, resume };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(pauseUntil) is not null && parse.GetValue(resume))
            {
                throw new CliUsageException("--pause-until and --resume contradict each other; give one.");
            }

            if (parse.GetValue(zone) is null && parse.GetValue(time) is null && parse.GetValue(calendar) is null
                && parse.GetValue(pauseUntil) is null && !parse.GetValue(resume))
            {
                throw new CliUsageException("Nothing to set: give --zone, --time, --calendar, --pause-until or --resume.");
            }

            await using var services = Services(parse, database, stderr);
            var number = Normalize(services, parse.GetValue(phone));
            var current = await services.GetRequiredService<ISubscriberStore>().GetAsync(number, cancellationToken).ConfigureAwait(false)
                ?? throw new CliUsageException($"{number} is not a subscriber; add it first (mitzvah subscribers add {number}).");
            var chosen = current.Preferences with
            {
                TimeZone = parse.GetValue(zone) ?? current.Preferences.TimeZone,
                SendTime = parse.GetValue(time) ?? current.Preferences.SendTime,
                Calendar = parse.GetValue(calendar) ?? current.Preferences.Calendar,
                PausedUntil = parse.GetValue(resume) ? null : parse.GetValue(pauseUntil) ?? current.Preferences.PausedUntil,
            };
            await WritePreferencesAsync(services, number, chosen, stdout, cancellationToken).ConfigureAwait(false);
            return MitzvahCli.Success;
        });
        return command;
    }

    /// <summary>Writes <paramref name="chosen"/> and prints the preferences that now apply.</summary>
    private static async Task WritePreferencesAsync(IServiceProvider services, string number, DeliveryPreferences chosen, TextWriter stdout, CancellationToken cancellationToken)
    {
        var change = new PreferenceChange(
            number, chosen, ConsentSource.Admin, new ConsentEvidence(Actor: Environment.UserName, Note: "mitzvah subscribers set"),
            services.GetRequiredService<TimeProvider>().GetUtcNow());
        var updated = (await services.GetRequiredService<ISubscriberStore>().SetPreferencesAsync(change, cancellationToken).ConfigureAwait(false))?.Subscriber
            ?? throw new CliUsageException($"{number} is not a subscriber; add it first (mitzvah subscribers add {number}).");
        var applied = updated.Preferences.Resolve(services.GetRequiredService<IOptions<ScheduleOptions>>().Value);
        var paused = applied.PausedUntil is { } until ? $"paused until {until:yyyy-MM-dd}" : "not paused";
        await stdout.WriteLineAsync(
            $"{number}: {applied.TimeZone}, at {PreferenceNames.FormatSendTime(applied.SendTime)}, {applied.Calendar.ToName()} calendar, {paused}.").ConfigureAwait(false);
    }

    private static Command Import(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var file = new Argument<FileInfo>("file") { Description = "One number per line, or CSV with a 'phone' column." };
        var force = new Option<bool>("--force") { Description = "Also re-subscribe numbers whose owner unsubscribed (you have their consent)." };
        var command = new Command("import", "Subscribe every number in a file (admin source); bad rows are reported and skipped.") { file, force };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var input = parse.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliUsageException($"{input.FullName} does not exist.");
            }

            await using var services = Services(parse, database, stderr);
            var rows = SubscriberImportFile.Read(input.FullName, services.GetRequiredService<IPhoneNumberNormalizer>());
            foreach (var bad in rows.Errors)
            {
                await stderr.WriteLineAsync($"line {bad.Line}: {bad.Message}").ConfigureAwait(false);
            }

            var result = await services.GetRequiredService<SubscriberAdministration>()
                .ImportAsync(rows.Phones, Actor, parse.GetValue(force), cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync(
                $"Imported {result.Total} numbers: {result.Subscribed} subscribed, {result.AlreadySubscribed} already subscribed, "
                + $"{result.Refused} skipped because they unsubscribed themselves; {rows.Errors.Count} bad rows skipped.")
                .ConfigureAwait(false);
            return rows.Errors.Count == 0 ? MitzvahCli.Success : MitzvahCli.Failure;
        });
        return command;
    }

    private static Command History(TextWriter stdout, TextWriter stderr, Option<string?> database)
    {
        var phone = new Argument<string>("phone") { Description = "Phone number, international format." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var command = new Command("history", "Show every consent change of a number, oldest first.") { phone, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var services = Services(parse, database, stderr);
            var number = Normalize(services, parse.GetValue(phone));
            var history = await services.GetRequiredService<ISubscriberStore>().GetHistoryAsync(number, cancellationToken).ConfigureAwait(false);
            if (history.Count == 0)
            {
                await stderr.WriteLineAsync($"{number} has no consent history.").ConfigureAwait(false);
            }

            foreach (var entry in history)
            {
                var at = entry.RecordedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                await stdout.WriteLineAsync(parse.GetValue(json)
                    ? JsonSerializer.Serialize(new { phone = entry.Phone, version = entry.Version, status = entry.Status.ToName(), source = entry.Source.ToName(), recordedAt = at, evidence = entry.Evidence }, Json)
                    : $"{entry.Version,3}  {at}  {entry.Status.ToName(),-9}  {entry.Source.ToName(),-16}  {entry.Evidence.ToJson()}").ConfigureAwait(false);
            }

            return MitzvahCli.Success;
        });
        return command;
    }

    private static ServiceProvider Services(ParseResult parse, Option<string?> database, TextWriter stderr)
    {
        var configuration = CliServices.Configuration();
        return CliServices.Build(configuration, CliServices.DatabasePath(parse.GetValue(database), configuration), stderr);
    }

    private static string Actor => $"cli:{Environment.UserName}";

    private static string Normalize(IServiceProvider services, string? phone) =>
        services.GetRequiredService<IPhoneNumberNormalizer>().Normalize(phone)
        ?? throw new CliUsageException($"'{phone}' is not a valid phone number; use international format, e.g. +14155552671.");
}
