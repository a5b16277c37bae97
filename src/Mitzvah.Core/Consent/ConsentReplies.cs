using System.Globalization;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Mail;
using NodaTime;

namespace Mitzvah.Core.Consent;

/// <summary>What the service says back, in one place so that WhatsApp and the web say the same thing.</summary>
internal static class ConsentReplies
{
    public static string Subscribed(string service, ScheduleOptions schedule, EffectiveDeliveryPreferences preferences) =>
        $"You're subscribed to {service}: one message a day at {Time(preferences.SendTime)} ({preferences.TimeZone} time) with "
        + "the day's Sefer HaMitzvos study" + (schedule.SkipRestDays ? ", none on Shabbat and Yom Tov" : string.Empty)
        + ". Reply STOP at any time to unsubscribe, HELP to change the time or zone.";

    public static string AlreadySubscribed(string service) =>
        $"You're already subscribed to {service}. Reply STOP at any time to unsubscribe.";

    public static string Unsubscribed(string service) =>
        $"You're unsubscribed from {service} and will receive no more messages. Reply JOIN MITZVAH to subscribe again.";

    public static string NotSubscribed(string service) =>
        $"You're not subscribed to {service}, so no messages will be sent. Reply JOIN MITZVAH to subscribe.";

    // The subscriber as it was before this message; a mark this message cleared is still on it. For a subscribed
    // number, its preferences, since when it is subscribed and its next message.
    public static string Status(string service, Subscriber? subscriber, DateTimeOffset now, SubscriberOutlook? outlook) => (subscriber, outlook) switch
    {
        ({ Status: ConsentStatus.OptedIn, IsUnreachable: true }, { } known) =>
            $"{Resumed(service)} {Settings(known.Preferences)}{EmailLine(subscriber)} {NextMessage(known)} Reply STOP to unsubscribe.",
        ({ Status: ConsentStatus.OptedIn }, { } known) =>
            string.Create(CultureInfo.InvariantCulture, $"You're subscribed to {service} since {known.SubscribedSince:d MMMM yyyy}. ")
            + $"{Settings(known.Preferences)}{EmailLine(subscriber)} {NextMessage(known)} Reply STOP to unsubscribe.",
        ({ Status: ConsentStatus.Pending }, _) when subscriber.IsPendingAt(now) =>
            $"Your sign-up for {service} on the web is waiting for your confirmation: reply JOIN MITZVAH to start receiving the daily message.",
        _ => NotSubscribed(service),
    };

    public static string Resumed(string service) =>
        $"Your {service} messages were paused because they could not be delivered to this number for several days. "
        + "Your message just now resumed them: the daily message comes again from the next send.";

    public static string PendingWeb(string service, string? whatsAppNumber, bool confirmationSent)
    {
        var to = string.IsNullOrEmpty(whatsAppNumber) ? "our WhatsApp number" : whatsAppNumber;
        return $"Almost done: to confirm it is your number, send JOIN MITZVAH to {to} on WhatsApp from that phone within 72 hours. "
            + (confirmationSent ? "We have also sent it a WhatsApp message: replying YES there confirms too. " : string.Empty)
            + $"{service} sends nothing until you confirm.";
    }

    // A web sign-up of a number already on record keeps that number's delivery settings.
    public static string WebPreferencesKept() =>
        "This number keeps the delivery settings it already had; to change them, send TIME, ZONE, ISRAEL or DIASPORA to us on WhatsApp.";

    public static string Help(string service) =>
        $"{service} sends one WhatsApp message a day with the day's portion of the Rambam's Sefer HaMitzvos "
        + "(the 339-day Daily Mitzvah cycle). Reply JOIN MITZVAH to subscribe (or to confirm a sign-up made on the web), "
        + "STOP to unsubscribe, STATUS to check. Change your messages with TIME 7:30 (send time), ZONE London (time zone), "
        + "ISRAEL or DIASPORA (festival calendar), PAUSE or PAUSE 7 (days), and RESUME; EMAIL you@example.org adds the study by email. "
        + "If messages could not reach you for a while they pause; writing anything resumes them.";

    public static string Guidance(string service) =>
        $"This is the {service} number. Reply JOIN MITZVAH to subscribe, STOP to unsubscribe, STATUS to check, "
        + "or HELP for more.";

    /// <summary>After an email sign-up: the confirmation link is on its way; <paramref name="besideWhatsApp"/> when the address joins a number's messages.</summary>
    public static string EmailLinkSent(string maskedAddress, TimeSpan lifetime, bool besideWhatsApp) =>
        $"We sent a confirmation link to {maskedAddress}. Open it within {lifetime.TotalDays:0} days and the daily study comes by email{(besideWhatsApp ? " too" : string.Empty)}.";

    /// <summary>After EMAIL address: the confirmation mail could not go out now.</summary>
    public static string EmailLinkNotSent(string maskedAddress) =>
        $"We could not send the confirmation mail to {maskedAddress} just now. Please try again in a few minutes.";

    /// <summary>After EMAIL address of an address already confirmed.</summary>
    public static string EmailAlreadyConfirmed(string maskedAddress) =>
        $"{maskedAddress} is confirmed already: the daily study goes there too.";

    /// <summary>After EMAIL with something that is not an address.</summary>
    public static string EmailInvalid(string problem) => $"Nothing was changed. {problem} Send for example: EMAIL dina@example.org";

    /// <summary>After EMAIL where mail is not set up.</summary>
    public static string EmailUnavailable() => "Email is not available on this service yet; your WhatsApp messages go on as before.";

    public static string JoinFirst(string service) =>
        $"You're not subscribed to {service}, so there is nothing to change. Reply JOIN MITZVAH to subscribe first.";

    public static string InvalidPreference(string example) => $"Nothing was changed. {example}";

    /// <summary>The reply to a preference command that was applied: the new setting, then the next message.</summary>
    public static string PreferenceSet(PreferenceCommand command, SubscriberOutlook outlook)
    {
        var preferences = outlook.Preferences;
        var setting = command.Kind switch
        {
            PreferenceCommandKind.Time => $"Your messages now come at {Time(preferences.SendTime)} ({preferences.TimeZone} time).",
            PreferenceCommandKind.Zone => $"Your time zone is now {preferences.TimeZone}: messages come at {Time(preferences.SendTime)} there.",
            PreferenceCommandKind.Calendar when preferences.Calendar == FestivalCalendar.Israel =>
                "You now follow the Israeli festival calendar (one day of Yom Tov).",
            PreferenceCommandKind.Calendar => "You now follow the diaspora festival calendar (two days of Yom Tov).",
            PreferenceCommandKind.Pause when command.PauseDays is { } days =>
                string.Create(CultureInfo.InvariantCulture, $"Your messages are paused for {days} day{(days == 1 ? string.Empty : "s")}; send RESUME to restart sooner."),
            PreferenceCommandKind.Pause => "Your messages are paused until you send RESUME.",
            _ => "Your messages are no longer paused.",
        };
        return $"{setting} {NextMessage(outlook)}";
    }

    // Zone, time, calendar and pause in one sentence.
    // The address beside the number and what it receives, when there is one.
    private static string EmailLine(Subscriber subscriber) => subscriber.Addresses.Email is not { } address
        ? string.Empty
        : (subscriber.IsEmailConfirmed, subscriber.EmailUndeliverableAt, subscriber.EffectiveChannel) switch
        {
            (false, _, _) => $" Email: {EmailMask.Mask(address)}, waiting for you to open the confirmation link we sent.",
            (true, not null, _) => $" Email: {EmailMask.Mask(address)} refused our mail; send EMAIL with an address to use another.",
            (true, null, DeliveryChannel.Fallback) => $" Email: {EmailMask.Mask(address)}, on days WhatsApp cannot deliver.",
            (true, null, _) => $" Email: {EmailMask.Mask(address)}, every day too.",
        };

    private static string Settings(EffectiveDeliveryPreferences preferences)
    {
        var pause = preferences.PausedUntil switch
        {
            null => "not paused",
            { } until when until == DateOnly.MaxValue => "paused until you send RESUME",
            { } until => string.Create(CultureInfo.InvariantCulture, $"paused, messages again from {until:dddd d MMMM}"),
        };
        return $"Messages at {Time(preferences.SendTime)} ({preferences.TimeZone} time), {preferences.Calendar.ToName()} calendar, {pause}.";
    }

    private static string NextMessage(SubscriberOutlook outlook)
    {
        if (outlook.Next is not { } next)
        {
            return outlook.Preferences.PausedUntil == DateOnly.MaxValue
                ? "No message comes until you send RESUME."
                : "No message is scheduled ahead.";
        }

        var zone = outlook.Preferences.TimeZone;
        var local = Instant.FromDateTimeOffset(next.At).InZone(DateTimeZoneProviders.Tzdb[zone]).LocalDateTime.ToDateTimeUnspecified();
        return string.Create(CultureInfo.InvariantCulture, $"Your next message: {local:dddd d MMMM} at {local:HH:mm} ({zone}).");
    }

    private static string Time(TimeOnly time) => PreferenceNames.FormatSendTime(time);
}
