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
    private readonly DateTimeZone _zone;

    /// <summary>Creates the clock for the configured send zone.</summary>
    public StudyClock(TimeProvider time, IOptions<ScheduleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _zone = DateTimeZoneProviders.Tzdb[options.Value.TimeZone];
    }

    /// <summary>Today's date in the send zone.</summary>
    public DateOnly Today() => DateAt(_time.GetUtcNow());

    /// <summary>The date in the send zone at <paramref name="instant"/>.</summary>
    public DateOnly DateAt(DateTimeOffset instant)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(_zone).Date;
        return new DateOnly(local.Year, local.Month, local.Day);
    }
}
