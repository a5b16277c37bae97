using Mitzvah.Core.Limits;

namespace Mitzvah.Testing.Contracts;

/// <summary>
/// The behaviour every <see cref="IRateLimiter"/> must have. Derive one test class per store and implement
/// <see cref="CreateLimiterAsync"/>.
/// </summary>
public abstract class RateLimiterContract
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    // 10:20 into an hour window: 40 minutes until it frees.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 20, 0, TimeSpan.Zero);

    /// <summary>Returns a new limiter with no counters. Called once per test.</summary>
    protected abstract Task<IRateLimiter> CreateLimiterAsync();

    [Fact]
    public async Task Admits_up_to_the_limit_then_refuses_until_the_window_ends()
    {
        var limiter = await CreateLimiterAsync();

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 7; i++)
        {
            decisions.Add(await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 5, Hour, Now.AddSeconds(i)));
        }

        Assert.Equal([true, true, true, true, true, false, false], decisions.Select(decision => decision.Allowed));
        Assert.Equal(TimeSpan.FromMinutes(40) - TimeSpan.FromSeconds(5), decisions[5].RetryAfter);
        Assert.Equal(2395, decisions[5].RetryAfterSeconds);
        Assert.True(decisions.Take(5).All(decision => decision.RetryAfter == TimeSpan.Zero));
    }

    [Fact]
    public async Task The_next_window_admits_again()
    {
        var limiter = await CreateLimiterAsync();
        for (var i = 0; i < 2; i++)
        {
            await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 2, Hour, Now);
        }

        var refused = await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 2, Hour, Now.AddMinutes(39));
        var next = await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 2, Hour, Now.AddMinutes(40));

        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);
        Assert.True(next.Allowed);
    }

    [Fact]
    public async Task Clients_and_scopes_are_counted_apart()
    {
        var limiter = await CreateLimiterAsync();
        await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 1, Hour, Now);

        Assert.False((await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 1, Hour, Now)).Allowed);
        Assert.True((await limiter.TryAcquireAsync("web-optin", "2001:db8::7", 1, Hour, Now)).Allowed);
        Assert.True((await limiter.TryAcquireAsync("other-scope", "203.0.113.7", 1, Hour, Now)).Allowed);
    }

    [Fact]
    public async Task Concurrent_callers_are_never_admitted_beyond_the_limit()
    {
        var limiter = await CreateLimiterAsync();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => limiter.TryAcquireAsync("web-optin", "198.51.100.4", 5, Hour, Now))));

        Assert.Equal(5, decisions.Count(decision => decision.Allowed));
        Assert.All(decisions.Where(decision => !decision.Allowed), decision => Assert.Equal(TimeSpan.FromMinutes(40), decision.RetryAfter));
    }

    [Fact]
    public async Task Arguments_no_store_can_key_are_refused()
    {
        var limiter = await CreateLimiterAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => limiter.TryAcquireAsync("web optin", "203.0.113.7", 5, Hour, Now));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => limiter.TryAcquireAsync("web-optin", "a/b", 5, Hour, Now));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => limiter.TryAcquireAsync("web-optin", "203.0.113.7", 0, Hour, Now));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => limiter.TryAcquireAsync("web-optin", "203.0.113.7", 5, TimeSpan.FromMilliseconds(1500), Now));
    }
}
