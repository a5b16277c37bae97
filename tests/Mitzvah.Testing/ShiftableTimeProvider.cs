using System.Collections.Concurrent;

namespace Mitzvah.Testing;

/// <summary>
/// The system clock plus an adjustable offset, whose one-shot timers fire at once: <see cref="Shift"/> jumps "now"
/// forward (past a lease, say), and a delay the code under test asks for is recorded in <see cref="Delays"/> instead
/// of being waited out, so an end-to-end run never sleeps and a test reads the waits it chose.
/// </summary>
/// <remarks>Thread-safe; the offset may change while other threads read the time.</remarks>
public sealed class ShiftableTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>The due time of every one-shot timer started so far (every <c>Task.Delay</c> of a non-zero delay), in order.</summary>
    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    /// <summary>Moves this clock by <paramref name="by"/> (forward when positive) and returns the new offset.</summary>
    public TimeSpan Shift(TimeSpan by) => TimeSpan.FromTicks(Interlocked.Add(ref _offsetTicks, by.Ticks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    /// <remarks>A one-shot timer is recorded and fires as soon as the thread pool runs it; periodic timers keep real time.</remarks>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime == Timeout.InfiniteTimeSpan || (period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero))
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        _delays.Enqueue(dueTime);
        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
