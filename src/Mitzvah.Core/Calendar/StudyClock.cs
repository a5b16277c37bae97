using Microsoft.Extensions.Options;
using NodaTime;

namespace Mitzvah.Core.Calendar;

/// <summary>Answers "what date is it in the operator's zone" from an injected <see cref="TimeProvider"/>.</summary>
/// <remarks>
/// Time zones come from NodaTime's embedded IANA database, so the answer does not depend on the host having a
/// time-zone database (serverless images often lack one). Thread-safe.
/// </remarks>
public sealed class StudyClock
{
    private readonly TimeProvider _time;
    private readonly string _zoneId;

    /// <summary>Creates the clock for the configured send zone.</summary>
    public StudyClock(TimeProvider time, IOptions<ScheduleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _zoneId = options.Value.TimeZone;
    }

    /// <summary>Today's date in the send zone.</summary>
    public DateOnly Today() => DateAt(_time.GetUtcNow());

    /// <summary>The date in the send zone at <paramref name="instant"/>.</summary>
    public DateOnly DateAt(DateTimeOffset instant) => DateIn(_zoneId, instant);

    /// <summary>The date in the IANA zone <paramref name="zoneId"/> at <paramref name="instant"/>.</summary>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException">The zone is not an IANA id.</exception>
    public static DateOnly DateIn(string zoneId, DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(DateTimeZoneProviders.Tzdb[zoneId]).Date;
        return new DateOnly(local.Year, local.Month, local.Day);
    }
}
