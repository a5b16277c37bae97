using System.Collections.Frozen;
using NodaTime.TimeZones;

namespace Mitzvah.Core.Calendar;

/// <summary>Candle lighting, when Shabbat and Yom Tov begin, at the principal place of a time zone.</summary>
/// <remarks>
/// A subscriber is known by their time zone, not their address, so the zone's principal place stands for where they
/// live: the coordinates the IANA database's zone.tab gives each zone (London for Europe/London, New York for
/// America/New_York), carried by NodaTime. Candle lighting is the customary 18 minutes before sunset, 40 in
/// Jerusalem. Thread-safe.
/// </remarks>
public static class CandleLighting
{
    /// <summary>The customary minutes before sunset.</summary>
    public const int MinutesBeforeSunset = 18;

    /// <summary>Jerusalem's custom.</summary>
    public const int JerusalemMinutesBeforeSunset = 40;

    private const string JerusalemZone = "Asia/Jerusalem";

    private static readonly FrozenDictionary<string, TzdbZoneLocation> Places =
        (TzdbDateTimeZoneSource.Default.ZoneLocations ?? []).ToFrozenDictionary(place => place.ZoneId, StringComparer.Ordinal);

    /// <summary>
    /// The principal place of <paramref name="zoneId"/> (an IANA id or one of its aliases, e.g. US/Eastern), or
    /// <see langword="null"/> for zones that name no place (UTC, Etc/GMT+5).
    /// </summary>
    public static (double Latitude, double Longitude)? PlaceOf(string zoneId)
    {
        ArgumentNullException.ThrowIfNull(zoneId);
        var canonical = TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(zoneId, out var id) ? id : zoneId;
        return Places.TryGetValue(canonical, out var place) ? (place.Latitude, place.Longitude) : null;
    }

    /// <summary>
    /// Candle lighting on <paramref name="localDate"/> at <paramref name="zoneId"/>'s principal place, in UTC;
    /// <see langword="null"/> when the zone names no place or the sun does not set there that day.
    /// </summary>
    public static DateTimeOffset? On(DateOnly localDate, string zoneId)
    {
        if (PlaceOf(zoneId) is not { } place || SolarCalculator.Sunset(localDate, place.Latitude, place.Longitude) is not { } sunset)
        {
            return null;
        }

        var canonical = TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(zoneId, out var id) ? id : zoneId;
        return sunset.AddMinutes(-(canonical == JerusalemZone ? JerusalemMinutesBeforeSunset : MinutesBeforeSunset));
    }
}
