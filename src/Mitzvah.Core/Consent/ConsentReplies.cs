using System.Globalization;

namespace Mitzvah.Core.Consent;

/// <summary>What the service says back, in one place so that WhatsApp and the web say the same thing.</summary>
internal static class ConsentReplies
{
    public static string Subscribed(string service, ScheduleOptions schedule) =>
        string.Create(CultureInfo.InvariantCulture, $"You're subscribed to {service}: one message a day at {schedule.SendHour:00}:00 ({schedule.TimeZone} time) with ")
        + "the day's Sefer HaMitzvos study" + (schedule.SkipRestDays ? ", none on Shabbat and Yom Tov" : string.Empty)
        + ". Reply STOP at any time to unsubscribe.";

    public static string AlreadySubscribed(string service) =>
        $"You're already subscribed to {service}. Reply STOP at any time to unsubscribe.";

    public static string Unsubscribed(string service) =>
        $"You're unsubscribed from {service} and will receive no more messages. Reply JOIN MITZVAH to subscribe again.";

    public static string NotSubscribed(string service) =>
        $"You're not subscribed to {service}, so no messages will be sent. Reply JOIN MITZVAH to subscribe.";

    public static string Status(string service, Subscriber? subscriber) => subscriber?.Status switch
    {
        ConsentStatus.OptedIn =>
            $"You're subscribed to {service} since {subscriber.UpdatedAt:d MMMM yyyy}. Reply STOP to unsubscribe.",
        _ => NotSubscribed(service),
    };

    public static string Help(string service) =>
        $"{service} sends one WhatsApp message a day with the day's portion of the Rambam's Sefer HaMitzvos "
        + "(the 339-day Daily Mitzvah cycle). Reply JOIN MITZVAH to subscribe, STOP to unsubscribe, STATUS to check.";

    public static string Guidance(string service) =>
        $"This is the {service} number. Reply JOIN MITZVAH to subscribe, STOP to unsubscribe, STATUS to check, "
        + "or HELP for more.";
}
