namespace Mitzvah.Testing;

/// <summary>
/// The system clock plus an adjustable offset: <see cref="Shift"/> jumps "now" forward (past a lease, say) while
/// timers, delays and timestamps keep running in real time, so code under test that waits still makes progress.
/// </summary>
/// <remarks>Thread-safe; the offset may change while other threads read the time.</remarks>
public sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves this clock by <paramref name="by"/> (forward when positive) and returns the new offset.</summary>
    public TimeSpan Shift(TimeSpan by) => TimeSpan.FromTicks(Interlocked.Add(ref _offsetTicks, by.Ticks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
