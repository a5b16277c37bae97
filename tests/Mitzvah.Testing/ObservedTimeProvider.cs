using Microsoft.Extensions.Time.Testing;

namespace Mitzvah.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that shows the timers the code under test starts (every
/// <c>Task.Delay(delay, timeProvider)</c> is one), so a test can wait until the code waits, read how long it chose
/// to wait, and move the clock to just short of or past that, without real time passing.
/// </summary>
/// <remarks>
/// A zero delay starts no timer (<c>Task.Delay</c> completes at once), so it does not appear here. Thread-safe: timers
/// may start on any thread while the test reads and advances.
/// </remarks>
public sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<StartedTimer> _timers = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];

    /// <summary>Starts the clock at <paramref name="start"/>.</summary>
    public ObservedTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>The due time of every timer started so far, in the order started.</summary>
    public IReadOnlyList<TimeSpan> Delays
    {
        get
        {
            lock (_gate)
            {
                return [.. _timers.Select(timer => timer.DueTime)];
            }
        }
    }

    /// <summary>Timers started that have neither fired nor been disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(timer => timer.Pending);
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> timers have been started in all.</summary>
    public async Task WaitForTimersAsync(int count, CancellationToken cancellationToken = default)
    {
        var waiter = (Count: count, Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_timers.Count >= count)
            {
                return;
            }

            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Moves the clock to the earliest due time of the pending timers, firing it; false when none is pending.</summary>
    public bool AdvanceToNextTimer()
    {
        DateTimeOffset? next;
        lock (_gate)
        {
            next = _timers.Where(timer => timer.Pending).Min(timer => (DateTimeOffset?)timer.DueAt);
        }

        if (next is not { } due)
        {
            return false;
        }

        var now = GetUtcNow();
        SetUtcNow(due > now ? due : now);
        return true;
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var started = new StartedTimer(this, dueTime, period);
        var timer = base.CreateTimer(
            s =>
            {
                started.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);

        lock (_gate)
        {
            _timers.Add(started);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_timers.Count >= _waiters[i].Count)
                {
                    _waiters[i].Reached.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return new ObservedTimer(timer, started);
    }

    /// <summary>What the test can see of one timer: when it is due and whether it still is.</summary>
    private sealed class StartedTimer
    {
        private readonly ObservedTimeProvider _clock;
        private TimeSpan _period;

        public StartedTimer(ObservedTimeProvider clock, TimeSpan dueTime, TimeSpan period)
        {
            _clock = clock;
            DueTime = dueTime;
            Schedule(dueTime, period);
        }

        public TimeSpan DueTime { get; }

        public DateTimeOffset DueAt { get; private set; }

        public bool Pending { get; private set; }

        public void Schedule(TimeSpan dueTime, TimeSpan period)
        {
            lock (_clock._gate)
            {
                _period = period;
                Pending = dueTime != Timeout.InfiniteTimeSpan;
                DueAt = Pending ? _clock.GetUtcNow() + dueTime : DateTimeOffset.MaxValue;
            }
        }

        public void Fired()
        {
            lock (_clock._gate)
            {
                Pending = _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;
                DueAt = Pending ? DueAt + _period : DateTimeOffset.MaxValue;
            }
        }

        public void Stopped()
        {
            lock (_clock._gate)
            {
                Pending = false;
            }
        }
    }

    /// <summary>The fake timer, keeping <see cref="StartedTimer"/> up to date on changes and disposal.</summary>
    private sealed class ObservedTimer(ITimer inner, StartedTimer started) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            started.Schedule(dueTime, period);
            return inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            started.Stopped();
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            started.Stopped();
            return inner.DisposeAsync();
        }
    }
}
