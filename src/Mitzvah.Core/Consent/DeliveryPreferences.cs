using Mitzvah.Core.Calendar;
using NodaTime;

namespace Mitzvah.Core.Consent;

/// <summary>
/// What a subscriber chose about its messages. Each property left <see langword="null"/> means "as the operator
/// configured" (<see cref="ScheduleOptions"/>), so a subscriber that chose nothing is served exactly as before
/// subscribers could choose; <see cref="Resolve"/> turns the choices into the values that apply.
/// </summary>
public sealed record DeliveryPreferences
{
    /// <summary>No choice made: every value comes from the operator's <see cref="ScheduleOptions"/>.</summary>
    public static DeliveryPreferences OperatorDefaults { get; } = new();

    /// <summary>IANA time-zone id of <see cref="SendTime"/> (e.g. "Asia/Jerusalem"); default <see cref="ScheduleOptions.TimeZone"/>.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Local time, in whole minutes, at which the message goes out; default <see cref="ScheduleOptions.SendTime"/>.</summary>
    public TimeOnly? SendTime { get; init; }

    /// <summary>The festival calendar that decides rest days; default from <see cref="ScheduleOptions.InIsrael"/>.</summary>
    public FestivalCalendar? Calendar { get; init; }

    /// <summary>
    /// The first study date that is sent again: no message goes out for earlier dates. <see langword="null"/>: not
    /// paused. The operator has no default for it.
    /// </summary>
    public DateOnly? PausedUntil { get; init; }

    /// <summary>
    /// Which channels the daily message goes out on; <see langword="null"/>: WhatsApp for a subscriber with a number,
    /// email for one without (<see cref="Subscriber.EffectiveChannel"/>). Not an operator setting.
    /// </summary>
    public DeliveryChannel? Channel { get; init; }

    /// <summary>The values that apply: each choice made, else the operator's setting.</summary>
    /// <remarks>
    /// The one place where unset preferences take the operator's defaults: <see cref="ScheduleOptions.TimeZone"/>,
    /// <see cref="ScheduleOptions.SendTime"/>, and <see cref="FestivalCalendar.Israel"/> when
    /// <see cref="ScheduleOptions.InIsrael"/> is set, else <see cref="FestivalCalendar.Diaspora"/>. Pure and thread-safe.
    /// </remarks>
    /// <param name="operatorDefaults">The operator's schedule, as validated at start-up.</param>
    public EffectiveDeliveryPreferences Resolve(ScheduleOptions operatorDefaults)
    {
        ArgumentNullException.ThrowIfNull(operatorDefaults);
        return new EffectiveDeliveryPreferences
        {
            TimeZone = TimeZone ?? operatorDefaults.TimeZone,
            SendTime = SendTime ?? operatorDefaults.SendTime,
            Calendar = Calendar ?? (operatorDefaults.InIsrael ? FestivalCalendar.Israel : FestivalCalendar.Diaspora),
            PausedUntil = PausedUntil,
        };
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) unless every choice made in
    /// <paramref name="preferences"/> is valid: an IANA time-zone id, a send time in whole minutes, a defined calendar.
    /// Every store applies it before writing, so that all stores accept and reject the same values.
    /// </summary>
    public static void ThrowIfInvalid(DeliveryPreferences? preferences, string paramName)
    {
        ArgumentNullException.ThrowIfNull(preferences, paramName);
        if (preferences.TimeZone is { } zone && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
        {
            throw new ArgumentException($"'{zone}' is not an IANA time-zone id, for example America/Chicago.", paramName);
        }

        if (preferences.SendTime is { } time && time.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException("The send time must be in whole minutes.", paramName);
        }

        if (preferences.Channel is { } channel && !Enum.IsDefined(channel))
        {
            throw new ArgumentException($"{channel} is not a delivery channel.", paramName);
        }

        if (preferences.Calendar is { } calendar && !Enum.IsDefined(calendar))
        {
            throw new ArgumentException($"{calendar} is not a festival calendar.", paramName);
        }
    }
}
