using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Consent;

/// <summary>The delivery settings that apply to one subscriber: its choices, completed with the operator's defaults.</summary>
/// <remarks>Made by <see cref="DeliveryPreferences.Resolve"/>.</remarks>
public sealed record EffectiveDeliveryPreferences
{
    /// <summary>IANA time-zone id of <see cref="SendTime"/>.</summary>
    public required string TimeZone { get; init; }

    /// <summary>Local time at which the message goes out.</summary>
    public required TimeOnly SendTime { get; init; }

    /// <summary>The festival calendar that decides rest days.</summary>
    public required FestivalCalendar Calendar { get; init; }

    /// <summary>The first study date sent again after a pause, or <see langword="null"/>.</summary>
    public DateOnly? PausedUntil { get; init; }

    /// <summary>Whether no message goes out for <paramref name="studyDate"/> because it is before <see cref="PausedUntil"/>.</summary>
    public bool IsPausedOn(DateOnly studyDate) => PausedUntil is { } until && studyDate < until;
}
