using Mitzvah.Core.Limits;

namespace Mitzvah.Testing.InMemory;

/// <summary>Fixed-window counters in memory, for unit tests; passes the rate limiter contract suite.</summary>
/// <remarks>Thread-safe: every call runs under one lock. Counters of ended windows are dropped as windows pass.</remarks>
public sealed class InMemoryRateLimiter : IRateLimiter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Scope, string Client, long Start), (int Count, DateTimeOffset End)> _counters = [];

    /// <inheritdoc />
    public Task<RateLimitDecision> TryAcquireAsync(string scope, string client, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RateWindow.ThrowIfInvalid(scope, client, limit, window);
        cancellationToken.ThrowIfCancellationRequested();
        var current = RateWindow.Of(now, window);
        lock (_gate)
        {
            foreach (var ended in _counters.Where(pair => pair.Value.End <= now).Select(pair => pair.Key).ToList())
            {
                _counters.Remove(ended);
            }

            var key = (scope, client, current.StartKey);
            var count = _counters.TryGetValue(key, out var counter) ? counter.Count : 0;
            if (count >= limit)
            {
                return Task.FromResult(current.Refused(now));
            }

            _counters[key] = (count + 1, current.End);
            return Task.FromResult(RateLimitDecision.Admitted);
        }
    }
}
