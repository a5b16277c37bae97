using System.Globalization;
using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Consent;

/// <summary>The storage forms of delivery preference values, shared by every store so that they agree.</summary>
public static class PreferenceNames
{
    private const string TimeFormat = "HH:mm";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>"diaspora" or "israel".</summary>
    public static string ToName(this FestivalCalendar calendar) => calendar switch
    {
        FestivalCalendar.Diaspora => "diaspora",
        FestivalCalendar.Israel => "israel",
        _ => throw new ArgumentOutOfRangeException(nameof(calendar), calendar, null),
    };

    /// <summary>Parses a stored calendar name.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static FestivalCalendar ParseCalendar(string name) => name switch
    {
        "diaspora" => FestivalCalendar.Diaspora,
        "israel" => FestivalCalendar.Israel,
        _ => throw new FormatException($"'{name}' is not a festival calendar."),
    };

    /// <summary>"whatsapp", "email", "both" or "fallback", as the web form and the stores write it.</summary>
    public static string ToName(this DeliveryChannel channel) => channel switch
    {
        DeliveryChannel.WhatsApp => "whatsapp",
        DeliveryChannel.Email => "email",
        DeliveryChannel.Both => "both",
        DeliveryChannel.Fallback => "fallback",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>Parses a channel name (as <see cref="ToName(DeliveryChannel)"/> writes it, any case).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static DeliveryChannel ParseChannel(string name) => name.Trim().ToLowerInvariant() switch
    {
        "whatsapp" => DeliveryChannel.WhatsApp,
        "email" => DeliveryChannel.Email,
        "both" => DeliveryChannel.Both,
        "fallback" => DeliveryChannel.Fallback,
        _ => throw new FormatException($"'{name}' is not a channel: use whatsapp, email, both or fallback."),
    };

    /// <summary>24-hour <c>HH:mm</c>, e.g. "07:30"; send times are whole minutes.</summary>
    public static string FormatSendTime(TimeOnly time) => time.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="FormatSendTime"/> wrote.</summary>
    /// <exception cref="FormatException">Not <c>HH:mm</c>.</exception>
    public static TimeOnly ParseSendTime(string text) => TimeOnly.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture);

    /// <summary><c>yyyy-MM-dd</c>, whose string order is its date order.</summary>
    public static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="FormatDate"/> wrote.</summary>
    /// <exception cref="FormatException">Not <c>yyyy-MM-dd</c>.</exception>
    public static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The preferences as a history entry records them: <c>zone=…; time=…; calendar=…; paused_until=…</c>, each
    /// <c>default</c> where the operator's applies, e.g. "zone=Europe/London; time=07:30; calendar=default; paused_until=none",
    /// and <c>; channel=…</c> once a channel is chosen.
    /// </summary>
    public static string Describe(DeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return string.Join("; ",
            $"zone={preferences.TimeZone ?? "default"}",
            $"time={(preferences.SendTime is { } time ? FormatSendTime(time) : "default")}",
            $"calendar={(preferences.Calendar is { } calendar ? calendar.ToName() : "default")}",
            $"paused_until={(preferences.PausedUntil is { } until ? FormatDate(until) : "none")}")
            + (preferences.Channel is { } channel ? $"; channel={channel.ToName()}" : string.Empty);
    }
}
