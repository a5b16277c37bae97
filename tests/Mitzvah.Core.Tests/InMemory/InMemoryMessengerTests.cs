using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.InMemory;

/// <summary>The in-memory messenger keeps the port's promises, so the daily run's tests learn what holds for real ones.</summary>
public sealed class InMemoryMessengerTests
{
    private static readonly DailyMessage Today = MessageFor(new DateOnly(2026, 11, 25));
    private static readonly DailyMessage Tomorrow = MessageFor(new DateOnly(2026, 11, 26));

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMessenger _messenger;

    public InMemoryMessengerTests() => _messenger = new InMemoryMessenger(_time);

    [Fact]
    public async Task Scripted_answers_are_used_in_order_then_the_standing_one_then_sends_are_accepted()
    {
        var refused = SendOutcome.Failed(SendFailureKind.OptedOut, "21610", "unsubscribed");
        _messenger.Script(TestPhones.Alice, refused, SendOutcome.Sent("IM-chosen"));

        var first = await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        var second = await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        var third = await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        _messenger.ScriptAlways(TestPhones.Bob, refused);
        var bob = await Task.WhenAll(_messenger.SendAsync(TestPhones.Bob, Today, MessageForm.Freeform), _messenger.SendAsync(TestPhones.Bob, Today, MessageForm.Freeform));

        Assert.Equal(refused, first);
        Assert.Equal("IM-chosen", second.MessageId);
        Assert.True(third.Accepted);
        Assert.NotEqual(second.MessageId, third.MessageId);
        Assert.All(bob, outcome => Assert.Equal(refused, outcome));
        Assert.Equal(2, _messenger.CountTo(TestPhones.Alice));
        Assert.Equal(0, _messenger.CountTo(TestPhones.Bob));
        Assert.Equal(5, _messenger.Sends.Count);
    }

    [Fact]
    public async Task A_scripted_throw_is_thrown_once()
    {
        _messenger.ScriptThrow(TestPhones.Alice, new InvalidOperationException("bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform));

        Assert.True((await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform)).Accepted);
        Assert.Null(_messenger.Sends[0].Outcome);
    }

    [Fact]
    public async Task The_look_up_finds_only_that_recipients_message_of_that_day_since_the_given_time()
    {
        var since = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(1));
        var sent = await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        var earlier = _messenger.AddAccepted(TestPhones.Bob, Today);

        Assert.Equal(sent.MessageId, await _messenger.FindAcceptedAsync(TestPhones.Alice, Today, since));
        Assert.Equal(earlier, await _messenger.FindAcceptedAsync(TestPhones.Bob, Today, since));
        Assert.Null(await _messenger.FindAcceptedAsync(TestPhones.Alice, Tomorrow, since));
        Assert.Null(await _messenger.FindAcceptedAsync(TestPhones.Numbered(9), Today, since));
        Assert.Null(await _messenger.FindAcceptedAsync(TestPhones.Alice, Today, _time.GetUtcNow().AddSeconds(1)));
        Assert.DoesNotContain(_messenger.Sends, send => send.Phone == TestPhones.Bob);
        Assert.Equal(5, _messenger.Lookups.Count);
    }

    [Fact]
    public async Task Scripted_look_up_failures_are_thrown_in_order_then_the_look_up_answers()
    {
        await _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        _messenger.ScriptLookupFailures(TestPhones.Alice, new HttpRequestException("down"), new TimeoutException());
        var since = _time.GetUtcNow().AddDays(-1);

        await Assert.ThrowsAsync<HttpRequestException>(() => _messenger.FindAcceptedAsync(TestPhones.Alice, Today, since));
        await Assert.ThrowsAsync<TimeoutException>(() => _messenger.FindAcceptedAsync(TestPhones.Alice, Today, since));

        Assert.NotNull(await _messenger.FindAcceptedAsync(TestPhones.Alice, Today, since));
    }

    [Fact]
    public async Task A_held_send_is_taken_at_once_and_answers_when_released_or_throws_when_cancelled()
    {
        _messenger.Hold();
        using var cancel = new CancellationTokenSource();
        var released = _messenger.SendAsync(TestPhones.Alice, Today, MessageForm.Freeform);
        var cancelled = _messenger.SendAsync(TestPhones.Bob, Today, MessageForm.Freeform, cancel.Token);
        await _messenger.WaitUntilAsync(m => m.InFlight == 2);

        Assert.False(released.IsCompleted);
        Assert.Equal([1, 2], _messenger.Sends.Select(send => send.InFlight));
        Assert.Equal(1, _messenger.CountTo(TestPhones.Bob));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, _messenger.InFlight);

        Assert.Equal(1, _messenger.Release(5));
        Assert.True((await released).Accepted);
        Assert.Equal(0, _messenger.InFlight);
    }

    private static DailyMessage MessageFor(DateOnly date) =>
        new DailyMessageComposer(MitzvahCatalogue.Default).Compose(new DeliveryPlanner(StudyCycle.Default, Options.Create(new ScheduleOptions())).Plan(date));
}
