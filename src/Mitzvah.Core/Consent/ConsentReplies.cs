using System.Globalization;

namespace Mitzvah.Core.Consent;

/// <summary>What the service says back, in one place so that WhatsApp and the web say the same thing.</summary>
internal static class ConsentReplies
{
    public static string Subscribed(string service, ScheduleOptions schedule) =>
        string.Create(CultureInfo.InvariantCulture, $"You're subscribed to {service}: one message a day at {schedule.SendTime:HH:mm} ({schedule.TimeZone} time) with ")
        + "the day's Sefer HaMitzvos study" + (schedule.SkipRestDays ? ", none on Shabbat and Yom Tov" : string.Empty)
        + ". Reply STOP at any time to unsubscribe.";

    public static string AlreadySubscribed(string service) =>
        $"You're already subscribed to {service}. Reply STOP at any time to unsubscribe.";

    public static string Unsubscribed(string service) =>
        $"You're unsubscribed from {service} and will receive no more messages. Reply JOIN MITZVAH to subscribe again.";

    public static string NotSubscribed(string service) =>
        $"You're not subscribed to {service}, so no messages will be sent. Reply JOIN MITZVAH to subscribe.";

    // The subscriber as it was before this message; a mark this message cleared is still on it.
    public static string Status(string service, Subscriber? subscriber, DateTimeOffset now) => subscriber switch
    {
        { Status: ConsentStatus.OptedIn, IsUnreachable: true } => Resumed(service) + " Reply STOP to unsubscribe.",
        { Status: ConsentStatus.OptedIn } =>
            $"You're subscribed to {service} since {subscriber.UpdatedAt:d MMMM yyyy}. Reply STOP to unsubscribe.",
        { Status: ConsentStatus.Pending } when subscriber.IsPendingAt(now) =>
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

    public static string Help(string service) =>
        $"{service} sends one WhatsApp message a day with the day's portion of the Rambam's Sefer HaMitzvos "
        + "(the 339-day Daily Mitzvah cycle). Reply JOIN MITZVAH to subscribe (or to confirm a sign-up made on the web), "
        + "STOP to unsubscribe, STATUS to check. If messages could not reach you for a while they pause; writing anything resumes them.";

    public static string Guidance(string service) =>
        $"This is the {service} number. Reply JOIN MITZVAH to subscribe, STOP to unsubscribe, STATUS to check, "
        + "or HELP for more.";
}
