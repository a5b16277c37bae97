namespace Mitzvah.Core.Limits;

/// <summary>Counts requests per client in fixed windows, shared by every instance of a deployment.</summary>
/// <remarks>
/// <para>
/// Every implementation passes the rate limiter contract suite. A window is <see cref="RateWindow"/> of
/// <c>now</c>: the counter of (scope, client, window start) is one item of the store, raised by one conditional
/// write that succeeds only while it is below the limit, so concurrent callers in any number of processes never
/// admit more than <c>limit</c> per window. Counters of past windows are removed or expire; nothing else reads them.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public interface IRateLimiter
{
    /// <summary>Admits one request of <paramref name="client"/> in <paramref name="scope"/> if fewer than <paramref name="limit"/> were admitted in its window.</summary>
    /// <param name="scope">What is limited, e.g. "web-optin" (letters, digits and '-').</param>
    /// <param name="client">Who is counted, e.g. the client address (at most 128 characters).</param>
    /// <param name="limit">Requests admitted per window; at least 1.</param>
    /// <param name="window">The window's length; a whole number of seconds, at least one.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Admitted (and counted), or refused with the time until the window ends (nothing counted).</returns>
    Task<RateLimitDecision> TryAcquireAsync(string scope, string client, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default);
}
