namespace Mitzvah.Smtp;

/// <summary>
/// A token bucket shared by every caller of one sender: at most <c>ratePerSecond</c> permits per second on average,
/// with a burst of at most one second's worth. Time comes from the given <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// Thread-safe. Permits are handed out in the order they were asked for: a waiting caller holds its reservation,
/// and gives it back if cancelled.
/// </remarks>
public sealed class SendRateLimiter
{
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly double _capacity;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _updated;

    public SendRateLimiter(double ratePerSecond, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        _time = time;
        _ratePerSecond = ratePerSecond;
        _capacity = Math.Max(1, ratePerSecond);

        // Starts with one permit, not a full second's burst, so a fresh process never exceeds the rate in its first second.
        _tokens = 1;
        _updated = time.GetTimestamp();
    }

    /// <summary>Completes when the caller may send one mail.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_updated, now).TotalSeconds * _ratePerSecond));
            _updated = now;
            _tokens -= 1;
            if (_tokens >= 0)
            {
                return;
            }

            wait = TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
        }

        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                _tokens += 1;
            }

            throw;
        }
    }
}
