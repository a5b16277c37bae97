using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Sending;

public sealed class AdaptiveLimitTests
{
    [Fact]
    public async Task Admits_up_to_the_maximum_and_queues_the_rest_in_order()
    {
        var limit = new AdaptiveLimit(2);
        var first = await limit.EnterAsync(CancellationToken.None);
        await limit.EnterAsync(CancellationToken.None);

        var third = limit.EnterAsync(CancellationToken.None);
        var fourth = limit.EnterAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);

        limit.Exit(first, rateLimited: false);
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(fourth.IsCompleted);
    }

    [Fact]
    public async Task A_rate_limit_halves_it_once_per_round_and_successes_grow_it_back()
    {
        var limit = new AdaptiveLimit(8);
        var tickets = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            tickets.Add(await limit.EnterAsync(CancellationToken.None));
        }

        // Two 429s from calls of the same round cut once.
        limit.Exit(tickets[0], rateLimited: true);
        limit.Exit(tickets[1], rateLimited: true);
        Assert.Equal(4, limit.Current);

        // A call that entered after that cut and is refused again cuts again (six successes had grown it to 5.3).
        for (var i = 2; i < 8; i++)
        {
            limit.Exit(tickets[i], rateLimited: false);
        }

        var later = await limit.EnterAsync(CancellationToken.None);
        limit.Exit(later, rateLimited: true);
        Assert.Equal(2, limit.Current);

        // Additive increase, about one slot per window of as many successful calls as there are slots, never past
        // the maximum.
        for (var i = 0; i < 200; i++)
        {
            limit.Exit(await limit.EnterAsync(CancellationToken.None), rateLimited: false);
        }

        Assert.Equal(8, limit.Current);
    }

    [Fact]
    public async Task Never_drops_below_one_and_a_cancelled_waiter_passes_its_turn_on()
    {
        var limit = new AdaptiveLimit(1);
        var ticket = await limit.EnterAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = limit.EnterAsync(cancel.Token);
        var next = limit.EnterAsync(CancellationToken.None);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        limit.Exit(ticket, rateLimited: true);

        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, limit.Current);
    }
}
