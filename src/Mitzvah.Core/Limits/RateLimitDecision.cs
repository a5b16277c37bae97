namespace Mitzvah.Core.Limits;

/// <summary>What <see cref="IRateLimiter.TryAcquireAsync"/> decided.</summary>
/// <param name="Allowed">Whether the request was admitted and counted.</param>
/// <param name="RetryAfter">When refused: how long until the window ends and requests are admitted again; else zero.</param>
public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    /// <summary>Admitted.</summary>
    public static RateLimitDecision Admitted { get; } = new(true, TimeSpan.Zero);

    /// <summary>Whole seconds until the window frees, at least 1: the value of a <c>Retry-After</c> header.</summary>
    public long RetryAfterSeconds => Math.Max(1, (long)Math.Ceiling(RetryAfter.TotalSeconds));
}
