using NodaTime;
using NodaTime.TimeZones;

namespace Mitzvah.Core.Calendar;

/// <summary>The moment a subscriber's message of a date goes out: their send time in their zone, early enough before Shabbat and Yom Tov.</summary>
/// <remarks>
/// <para>
/// On a day whose evening begins a rest day, the message goes out no later than <see cref="BeforeCandleLighting"/>
/// before candle lighting at the zone's principal place (<see cref="CandleLighting"/>), so that it never arrives on
/// Shabbat; where the sun does not set that day (or the zone names no place), no later than
/// <see cref="LatestWithoutSunset"/> local time. That latest moment is rounded down to the quarter hour, because
/// the send tick runs on the quarter hours: the tick that sends it is then still no later.
/// </para>
/// <para>
/// Daylight saving: a send time that does not exist that day (skipped by the clock change) is the first moment after
/// the gap; a send time that occurs twice is its first occurrence, so it sends once. Pure and thread-safe.
/// </para>
/// </remarks>
public static class SendMoment
{
    /// <summary>How long before candle lighting the message before a rest day goes out at the latest.</summary>
    public static readonly TimeSpan BeforeCandleLighting = TimeSpan.FromHours(2);

    /// <summary>The latest local send time before a rest day where candle lighting cannot be computed.</summary>
    public static readonly TimeOnly LatestWithoutSunset = new(12, 0);

    private static readonly ZoneLocalMappingResolver FirstMomentAfterGapOrEarlier =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>When the message of <paramref name="date"/> goes out, with the zone's offset at that moment.</summary>
    /// <param name="date">The subscriber's local date.</param>
    /// <param name="sendTime">Their local send time.</param>
    /// <param name="zoneId">Their IANA time zone.</param>
    /// <param name="restDayBegins">Whether Shabbat or Yom Tov begins that evening in their calendar.</param>
    /// <exception cref="DateTimeZoneNotFoundException">The zone is not an IANA id.</exception>
    public static DateTimeOffset For(DateOnly date, TimeOnly sendTime, string zoneId, bool restDayBegins)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var moment = Local(zone, date, sendTime);
        if (!restDayBegins)
        {
            return moment.ToDateTimeOffset();
        }

        var latest = CandleLighting.On(date, zoneId) is { } candles
            ? Instant.FromDateTimeOffset(QuarterHourAtOrBefore(candles - BeforeCandleLighting)).InZone(zone)
            : Local(zone, date, LatestWithoutSunset);
        return moment.ToInstant() <= latest.ToInstant() ? moment.ToDateTimeOffset() : latest.ToDateTimeOffset();
    }

    private static DateTimeOffset QuarterHourAtOrBefore(DateTimeOffset instant)
    {
        var quarter = TimeSpan.FromMinutes(15).Ticks;
        var utc = instant.UtcTicks;
        return new DateTimeOffset(utc - (utc % quarter), TimeSpan.Zero);
    }

    private static ZonedDateTime Local(DateTimeZone zone, DateOnly date, TimeOnly time) =>
        zone.ResolveLocal(new LocalDateTime(date.Year, date.Month, date.Day, time.Hour, time.Minute), FirstMomentAfterGapOrEarlier);
}
