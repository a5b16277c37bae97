using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;
using Mitzvah.Testing;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Sending;

/// <summary>
/// The daily run's choice of form by WhatsApp's 24-hour window, and what it does on the failures that concern the
/// day rather than the subscriber: in-memory adapters and a fake clock.
/// </summary>
public sealed class DailySendServiceWindowTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private readonly ObservedTimeProvider _time = new(Now);
    private readonly InMemorySubscriberStore _store = new();
    private readonly InMemoryDeliveryLedger _ledger = new();
    private readonly InMemoryMessenger _messenger;
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(30));

    public DailySendServiceWindowTests() => _messenger = new InMemoryMessenger(_time);

    public void Dispose() => _guard.Dispose();

    [Fact]
    public async Task With_a_template_those_inside_the_window_get_freeform_and_the_others_the_template()
    {
        _messenger.HasTemplate = true;
        var never = await SubscribeAsync(1, wroteAgo: null);
        var recently = await SubscribeAsync(2, wroteAgo: TimeSpan.FromHours(2));
        var almostClosed = await SubscribeAsync(3, wroteAgo: TimeSpan.FromHours(23.5));

        var summary = await RunAsync(o => o.WindowMargin = TimeSpan.FromHours(1));

        Assert.Equal(3, summary.Sent);
        Assert.Equal(0, summary.OutsideWindow);
        Assert.Equal(MessageForm.Template, FormSentTo(never));
        Assert.Equal(MessageForm.Freeform, FormSentTo(recently));
        Assert.Equal(MessageForm.Template, FormSentTo(almostClosed));
        await AssertRecordedAsync(never, MessageForm.Template, outsideWindow: false);
        await AssertRecordedAsync(recently, MessageForm.Freeform, outsideWindow: false);
        await AssertRecordedAsync(almostClosed, MessageForm.Template, outsideWindow: false);
    }

    [Fact]
    public async Task The_margin_decides_at_the_end_of_the_window()
    {
        _messenger.HasTemplate = true;
        var almostClosed = await SubscribeAsync(1, wroteAgo: TimeSpan.FromHours(23.5));
        var closed = await SubscribeAsync(2, wroteAgo: TimeSpan.FromHours(24));

        await RunAsync(o => o.WindowMargin = TimeSpan.Zero);

        Assert.Equal(MessageForm.Freeform, FormSentTo(almostClosed));
        Assert.Equal(MessageForm.Template, FormSentTo(closed));
    }

    [Fact]
    public async Task Without_a_template_everyone_gets_freeform_and_those_outside_the_window_are_counted_and_flagged()
    {
        var never = await SubscribeAsync(1, wroteAgo: null);
        var recently = await SubscribeAsync(2, wroteAgo: TimeSpan.FromHours(2));
        var almostClosed = await SubscribeAsync(3, wroteAgo: TimeSpan.FromHours(23.5));

        var summary = await RunAsync();

        Assert.Equal(3, summary.Sent);
        Assert.Equal(2, summary.OutsideWindow);
        Assert.Contains("\"outsideWindow\":2", summary.ToJson(), StringComparison.Ordinal);
        Assert.All(_messenger.Sends, send => Assert.Equal(MessageForm.Freeform, send.Form));
        await AssertRecordedAsync(never, MessageForm.Freeform, outsideWindow: true);
        await AssertRecordedAsync(recently, MessageForm.Freeform, outsideWindow: false);
        await AssertRecordedAsync(almostClosed, MessageForm.Freeform, outsideWindow: true);
    }

    [Fact]
    public async Task The_messaging_limit_stops_claiming_and_leaves_the_rest_for_the_next_run()
    {
        var phones = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            phones.Add(await SubscribeAsync(i, wroteAgo: TimeSpan.FromHours(1)));
        }

        _messenger.Script(phones[1], SendOutcome.Failed(SendFailureKind.MessagingLimit, "63018", "messaging limit reached"));

        var summary = await RunAsync(o => o.Concurrency = 1);

        Assert.True(summary.StoppedAtMessagingLimit);
        Assert.False(summary.StoppedAtDeadline);
        Assert.Contains("\"stoppedAtMessagingLimit\":true", summary.ToJson(), StringComparison.Ordinal);
        Assert.Equal(1, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(4, summary.Remaining);
        Assert.Equal(5, summary.Eligible);
        Assert.Equal(2, _messenger.Sends.Count);
        var limited = await _ledger.GetAsync(Day, phones[1]);
        Assert.Equal(DeliveryState.Failed, limited!.State);
        Assert.Equal("63018", limited.ErrorCode);
        Assert.False(limited.Permanent);
        foreach (var unreached in phones.Skip(2))
        {
            Assert.Null(await _ledger.GetAsync(Day, unreached));
        }

        Assert.Equal(5, await _store.CountAsync(ConsentStatus.OptedIn));

        var next = await RunAsync();

        Assert.False(next.StoppedAtMessagingLimit);
        Assert.Equal(4, next.Sent);
        Assert.Equal(1, next.AlreadySent);
        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
    }

    [Theory]
    [InlineData("63049")]
    [InlineData("63032")]
    public async Task A_message_not_delivered_today_is_not_retried_that_day_and_the_subscriber_stays(string code)
    {
        var phone = await SubscribeAsync(1, wroteAgo: TimeSpan.FromHours(1));
        _messenger.Script(phone, SendOutcome.Failed(SendFailureKind.NotDeliveredToday, code, "not delivered"));

        var first = await RunAsync();
        var rerun = await RunAsync();

        Assert.Equal(1, first.Failed);
        Assert.Equal(0, first.OptedOut + first.Invalid);
        var record = await _ledger.GetAsync(Day, phone);
        Assert.Equal(code, record!.ErrorCode);
        Assert.True(record.Permanent);
        Assert.Single(_messenger.Sends);
        Assert.Equal(0, rerun.Sent);
        Assert.Equal(ConsentStatus.OptedIn, (await _store.GetAsync(phone))!.Status);
    }

    private MessageForm FormSentTo(string phone) => Assert.Single(_messenger.Sends, send => send.Phone == phone).Form;

    private async Task AssertRecordedAsync(string phone, MessageForm form, bool outsideWindow)
    {
        var record = await _ledger.GetAsync(Day, phone);
        Assert.Equal(DeliveryState.Sent, record!.State);
        Assert.Equal(form, record.Form);
        Assert.Equal(outsideWindow, record.OutsideWindow);
        Assert.False(record.ResentAsTemplate);
    }

    private async Task<string> SubscribeAsync(int n, TimeSpan? wroteAgo)
    {
        var phone = TestPhones.Numbered(n);
        await _store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(Now.AddDays(-3)).Build());
        if (wroteAgo is { } ago)
        {
            await _store.RecordInboundAsync(phone, Now - ago);
        }

        return phone;
    }

    private async Task<SendSummary> RunAsync(Action<SendOptions>? configure = null)
    {
        var schedule = Options.Create(new ScheduleOptions());
        var options = new SendOptions { Concurrency = 4 };
        configure?.Invoke(options);
        var planner = new DeliveryPlanner(StudyCycle.Default, schedule);
        var service = new DailySendService(
            planner,
            new DailyMessageComposer(MitzvahCatalogue.Default),
            new StudyClock(_time, schedule),
            new SubscriberRecipients(_store),
            _ledger,
            _messenger,
            _time,
            Options.Create(options),
            schedule,
            NullLogger<DailySendService>.Instance,
            new DeliveryReporter(planner, _ledger),
            new SendSchedule(planner, schedule));

        // No scripted failure here is retried, so no back-off timer is ever started.
        return await service.RunAsync(new SendRequest(Date: Day), cancellationToken: _guard.Token);
    }
}
