using Microsoft.Extensions.Time.Testing;

namespace Mitzvah.Smtp.Tests;

public sealed class SendRateLimiterTests
{
    [Fact]
    public async Task At_one_per_second_the_second_permit_waits_a_full_second()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(1, time);

        var first = limiter.WaitAsync().AsTask();
        var second = limiter.WaitAsync().AsTask();

        Assert.True(first.IsCompletedSuccessfully);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Concurrent_callers_share_the_rate()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(10, time);

        // Twenty callers on the thread pool at once.
        var permits = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Factory.StartNew(
            () => limiter.WaitAsync().AsTask(), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)));
        Assert.Equal(1, permits.Count(permit => permit.IsCompleted));

        time.Advance(TimeSpan.FromSeconds(1));
        await CompletedAsync(permits, 11);
        Assert.Equal(11, permits.Count(permit => permit.IsCompleted));

        time.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(permits).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_idle_limiter_allows_at_most_one_seconds_burst()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(5, time);
        await limiter.WaitAsync();

        time.Advance(TimeSpan.FromMinutes(10));
        var permits = Enumerable.Range(0, 6).Select(_ => limiter.WaitAsync().AsTask()).ToList();

        Assert.Equal(5, permits.Count(permit => permit.IsCompleted));
        time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.WhenAll(permits).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_permit_back()
    {
        var time = new FakeTimeProvider();
        var limiter = new SendRateLimiter(1, time);
        await limiter.WaitAsync();
        using var cancel = new CancellationTokenSource();

        var cancelled = limiter.WaitAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var next = limiter.WaitAsync().AsTask();

        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Timer callbacks may finish their continuations on another thread: wait for the count to be reached, guarded.
    private static Task CompletedAsync(IReadOnlyCollection<Task> permits, int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = 0;
        foreach (var permit in permits)
        {
            _ = permit.ContinueWith(
                _ =>
                {
                    if (Interlocked.Increment(ref completed) == count)
                    {
                        reached.TrySetResult();
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        return reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
