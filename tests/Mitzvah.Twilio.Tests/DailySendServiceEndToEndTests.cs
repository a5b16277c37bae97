using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>
/// The daily run end to end: SQLite subscribers and ledger, the real Twilio messenger, a loopback Twilio playing
/// rate limits, refusals, outages and a run killed after Twilio accepted.
/// </summary>
public sealed class DailySendServiceEndToEndTests : IAsyncLifetime
{
    private DailySendHarness _harness = null!;

    private LoopbackTwilio Loopback => _harness.Loopback;

    public async Task InitializeAsync() => _harness = await DailySendHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Everyone_gets_the_days_message_once_and_the_ledger_holds_each_sid()
    {
        var phones = await _harness.SeedAsync(12);
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);

        var summary = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.True(summary.Send);
        Assert.Equal(12, summary.Eligible);
        Assert.Equal(12, summary.Sent);
        Assert.Equal(0, summary.Failed);
        foreach (var phone in phones)
        {
            var sent = Assert.Single(Loopback.Accepted, m => m.Phone == phone);
            Assert.Equal(message.WhatsApp.Body, sent.Body);
            var record = await _harness.RecordOfAsync(phone);
            Assert.Equal(DeliveryState.Sent, record.State);
            Assert.Equal(sent.Sid, record.MessageId);
        }
    }

    [Fact]
    public async Task With_a_template_those_who_wrote_lately_get_the_body_the_others_the_template_and_the_ledger_says_which()
    {
        var phones = await _harness.SeedAsync(3);
        var now = _harness.Time.GetUtcNow();
        await _harness.Store.RecordInboundAsync(phones[0], now.AddHours(-2));
        await _harness.Store.RecordInboundAsync(phones[1], now.AddHours(-30));

        var summary = await DailySendHarness.RunAsync(_harness.BuildServices(twilio: o => o.TemplateSid = TestMessengers.TemplateSid));

        Assert.Equal(3, summary.Sent);
        Assert.Equal(0, summary.OutsideWindow);
        var freeform = Assert.Single(Loopback.Accepted, m => m.Phone == phones[0]);
        Assert.Equal(TestMessengers.MessageFor(TestMessengers.SendDay).WhatsApp.Body, freeform.Body);
        Assert.Null(freeform.ContentSid);
        Assert.Equal(MessageForm.Freeform, (await _harness.RecordOfAsync(phones[0])).Form);
        foreach (var phone in phones.Skip(1))
        {
            var template = Assert.Single(Loopback.Accepted, m => m.Phone == phone);
            Assert.Equal(TestMessengers.TemplateSid, template.ContentSid);
            Assert.Null(template.Body);
            Assert.Equal(MessageForm.Template, (await _harness.RecordOfAsync(phone)).Form);
        }
    }

    [Fact]
    public async Task A_rate_limited_send_waits_for_twilios_retry_after_and_is_sent_once()
    {
        var phones = await _harness.SeedAsync(4);
        Loopback.Script(phones[1], LoopbackResponse.TooManyRequests(TimeSpan.FromSeconds(1)));

        var summary = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(4, summary.Sent);
        Assert.Equal(1, Loopback.CountTo(phones[1]));
        Assert.Equal([429, 201], Loopback.Requests.Where(r => r.Phone == phones[1]).OrderBy(r => r.ReceivedAt).Select(r => r.Status));

        // The run's only wait: Twilio's "Retry-After: 1" read by the messenger, above the 10 ms back-off ceiling.
        Assert.Equal([TimeSpan.FromSeconds(1)], _harness.Time.Delays);
    }

    [Fact]
    public async Task A_concurrency_above_twilios_limit_backs_off_and_still_serves_everyone_once()
    {
        await using var harness = await DailySendHarness.StartAsync(new LoopbackTwilioOptions { Latency = TimeSpan.FromMilliseconds(50), ConcurrencyLimit = 4 });
        var phones = await harness.SeedAsync(120);

        // The limit oscillates around Twilio's (it grows back one slot per round trip), so a few calls meet a 429 more
        // than once; the default 4 attempts are not the point here, so allow more.
        var summary = await DailySendHarness.RunAsync(harness.BuildServices(concurrency: 16, maxAttempts: 8));

        Assert.Equal(120, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.All(phones, phone => Assert.Equal(1, harness.Loopback.CountTo(phone)));

        // What Twilio saw: one accepted send per recipient, and otherwise only refusals for its limit (answered before
        // the form is read, so without a recipient). Each refusal cost the run one wait of at least its Retry-After.
        var posts = harness.Loopback.Requests.Where(r => r.Method == "POST").ToList();
        var refused = harness.Loopback.TooManyRequestsCount;
        Assert.Equal(120 + refused, posts.Count);
        Assert.All(phones, phone => Assert.Equal([201], posts.Where(r => r.Phone == phone).Select(r => r.Status)));
        Assert.All(posts.Where(r => r.Phone is null), r => Assert.Equal(429, r.Status));
        Assert.Equal(refused, harness.Time.Delays.Count);
        Assert.All(harness.Time.Delays, delay => Assert.True(delay >= TimeSpan.FromSeconds(1), $"A retry after a 429 was planned after {delay}, before Retry-After."));
    }

    [Fact]
    public async Task A_send_refused_by_an_outage_is_retried_until_twilio_recovers()
    {
        var phones = await _harness.SeedAsync(3);
        Loopback.Script(phones[0], LoopbackResponse.ServerError(503), LoopbackResponse.ServerError(503));

        var summary = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(3, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.Equal([503, 503, 201], Loopback.Requests.Where(r => r.Phone == phones[0]).OrderBy(r => r.ReceivedAt).Select(r => r.Status));
        Assert.Equal(1, Loopback.CountTo(phones[0]));
    }

    [Fact]
    public async Task Refusals_of_some_recipients_leave_the_others_served_and_are_recorded_where_they_belong()
    {
        var phones = await _harness.SeedAsync(20);
        string optedOut = phones[2], invalid = phones[6], outsideWindow = phones[10], broken = phones[14];
        Loopback.Script(optedOut, LoopbackResponse.Unsubscribed);
        Loopback.Script(invalid, LoopbackResponse.InvalidTo);
        Loopback.Script(outsideWindow, LoopbackResponse.OutsideWindow);
        Loopback.ScriptAlways(broken, LoopbackResponse.ServerError(500));
        var failing = new[] { optedOut, invalid, outsideWindow, broken };

        var summary = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(20, summary.Eligible);
        Assert.Equal(16, summary.Sent);
        Assert.Equal(4, summary.Failed);
        Assert.Equal(1, summary.OptedOut);
        Assert.Equal(1, summary.Invalid);
        Assert.Equal(1, summary.TemplateRequired);
        Assert.Equal(0, summary.AlreadySent);
        foreach (var phone in phones)
        {
            Assert.Equal(failing.Contains(phone) ? 0 : 1, Loopback.CountTo(phone));
        }

        Assert.Equal(3, Loopback.Requests.Count(r => r.Phone == broken));
        Assert.Single(Loopback.Requests, r => r.Phone == optedOut);

        var optedOutNow = await _harness.Store.GetAsync(optedOut);
        Assert.Equal(ConsentStatus.OptedOut, optedOutNow!.Status);
        Assert.Equal(ConsentSource.Delivery, optedOutNow.Source);
        Assert.Contains("21610", optedOutNow.Evidence.Note, StringComparison.Ordinal);
        var history = await _harness.Store.GetHistoryAsync(optedOut);
        Assert.Equal(ConsentSource.Delivery, history[^1].Source);
        var invalidNow = await _harness.Store.GetAsync(invalid);
        Assert.Equal(ConsentStatus.Invalid, invalidNow!.Status);
        Assert.Contains("21211", invalidNow.Evidence.Note, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await _harness.Store.GetAsync(outsideWindow))!.Status);
        Assert.Equal(ConsentStatus.OptedIn, (await _harness.Store.GetAsync(broken))!.Status);

        await AssertFailedAsync(optedOut, "21610", permanent: true);
        await AssertFailedAsync(invalid, "21211", permanent: true);
        await AssertFailedAsync(outsideWindow, "63016", permanent: false);
        await AssertFailedAsync(broken, "20500", permanent: false);
        var records = await _harness.Ledger.ListAsync(TestMessengers.SendDay);
        Assert.Equal(16, records.Count(r => r.State == DeliveryState.Sent));
    }

    [Fact]
    public async Task A_rerun_of_the_same_date_sends_nothing()
    {
        var phones = await _harness.SeedAsync(10);
        await DailySendHarness.RunAsync(_harness.BuildServices());
        var requestsAfterFirstRun = Loopback.RequestCount;

        var rerun = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(0, rerun.Sent);
        Assert.Equal(10, rerun.AlreadySent);
        Assert.Equal(10, rerun.Eligible);
        Assert.Equal(requestsAfterFirstRun, Loopback.RequestCount);
        Assert.All(phones, phone => Assert.Equal(1, Loopback.CountTo(phone)));
    }

    [Fact]
    public async Task Two_overlapping_runs_on_one_database_send_each_message_once()
    {
        var phones = await _harness.SeedAsync(40);
        Loopback.Latency = TimeSpan.FromMilliseconds(40);
        var first = _harness.BuildServices(concurrency: 4);
        var second = _harness.BuildServices(concurrency: 4);

        var summaries = await Task.WhenAll(DailySendHarness.RunAsync(first), DailySendHarness.RunAsync(second));

        Assert.All(phones, phone => Assert.Equal(1, Loopback.CountTo(phone)));
        Assert.Equal(40, Loopback.AcceptedCount);
        Assert.Equal(40, summaries.Sum(s => s.Sent));
        Assert.All(summaries, s => Assert.True(s.Sent > 0, "Both runs should have sent a share, or they did not overlap."));
        Assert.All(summaries, s => Assert.Equal(40, s.Sent + s.AlreadySent + s.InProgressElsewhere));
    }

    [Fact]
    public async Task A_run_killed_after_twilio_accepted_is_reconciled_by_the_next_run_without_resending()
    {
        var phones = await _harness.SeedAsync(10);
        string[] unanswered = [phones[1], phones[4], phones[7]];
        var flaky = phones[8];
        foreach (var phone in unanswered)
        {
            Loopback.Script(phone, LoopbackResponse.AcceptWithoutAnswer);
        }

        Loopback.Script(flaky, LoopbackResponse.ServerError(503), LoopbackResponse.ServerError(503), LoopbackResponse.ServerError(503));
        var others = phones.Except(unanswered).ToList();

        var killed = _harness.BuildServices(concurrency: 6);
        using var kill = new CancellationTokenSource();
        var othersDone = new ProgressSignal(others.Count);
        var firstRun = DailySendHarness.RunAsync(killed, othersDone, kill.Token);
        await Loopback.WaitUntilAsync(l => unanswered.All(p => l.CountTo(p) == 1), TimeSpan.FromSeconds(20));
        await othersDone.Reached.WaitAsync(TimeSpan.FromSeconds(20));
        await kill.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstRun);
        await killed.DisposeAsync();

        Assert.Equal(DeliveryState.Failed, (await _harness.RecordOfAsync(flaky)).State);
        foreach (var phone in unanswered)
        {
            Assert.Equal(DeliveryState.Claimed, (await _harness.RecordOfAsync(phone)).State);
        }

        _harness.Time.Shift(DailySendHarness.Lease + TimeSpan.FromSeconds(1));
        var rerunStarted = DateTimeOffset.UtcNow;
        var rerun = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(1, rerun.Sent);
        Assert.Equal(9, rerun.AlreadySent);
        Assert.Equal(0, rerun.Failed);
        Assert.All(phones, phone => Assert.Equal(1, Loopback.CountTo(phone)));
        var newPosts = Loopback.Requests.Where(r => r.Method == "POST" && r.ReceivedAt >= rerunStarted).ToList();
        Assert.Equal([flaky], newPosts.Select(r => r.Phone));
        foreach (var phone in unanswered)
        {
            var record = await _harness.RecordOfAsync(phone);
            Assert.Equal(DeliveryState.Sent, record.State);
            Assert.Equal(Loopback.Accepted.Single(m => m.Phone == phone).Sid, record.MessageId);
        }

        Assert.Equal(DeliveryState.Sent, (await _harness.RecordOfAsync(flaky)).State);
    }

    [Fact]
    public async Task When_twilio_cannot_say_whether_it_took_a_message_the_run_goes_on_without_resending_it()
    {
        var phones = await _harness.SeedAsync(3);
        var unanswered = phones[0];
        Loopback.Script(unanswered, LoopbackResponse.AcceptWithoutAnswer);
        var killed = _harness.BuildServices();
        using (var kill = new CancellationTokenSource())
        {
            var othersSent = new ProgressSignal(phones.Count - 1);
            var firstRun = DailySendHarness.RunAsync(killed, othersSent, kill.Token);
            await Loopback.WaitUntilAsync(l => l.CountTo(unanswered) == 1, TimeSpan.FromSeconds(20));
            await othersSent.Reached.WaitAsync(TimeSpan.FromSeconds(20));
            await kill.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => firstRun);
            await killed.DisposeAsync();
        }

        var latecomer = (await _harness.SeedAsync(4))[^1];
        _harness.Time.Shift(DailySendHarness.Lease + TimeSpan.FromSeconds(1));
        Loopback.ScriptList(unanswered, LoopbackResponse.ServerError(503), LoopbackResponse.TooManyRequests(null), LoopbackResponse.ServerError(503));
        var rerunStarted = DateTimeOffset.UtcNow;

        var rerun = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(1, rerun.Sent);
        Assert.Equal(1, rerun.Failed);
        Assert.Equal(1, Loopback.CountTo(latecomer));
        Assert.Equal(1, Loopback.CountTo(unanswered));
        var asked = Loopback.Requests.Where(r => r.Phone == unanswered && r.ReceivedAt >= rerunStarted).ToList();
        Assert.Equal(3, asked.Count);
        Assert.All(asked, r => Assert.Equal("GET", r.Method));
        var record = await _harness.RecordOfAsync(unanswered);
        Assert.Equal(DeliveryState.Failed, record.State);
        Assert.False(record.Permanent);

        var third = await DailySendHarness.RunAsync(_harness.BuildServices());

        Assert.Equal(0, third.Sent);
        Assert.Equal(4, third.AlreadySent);
        Assert.Equal(1, Loopback.CountTo(unanswered));
        Assert.Equal(Loopback.Accepted.Single(m => m.Phone == unanswered).Sid, (await _harness.RecordOfAsync(unanswered)).MessageId);
    }

    private async Task AssertFailedAsync(string phone, string errorCode, bool permanent)
    {
        var record = await _harness.RecordOfAsync(phone);
        Assert.Equal(DeliveryState.Failed, record.State);
        Assert.Equal(errorCode, record.ErrorCode);
        Assert.Equal(permanent, record.Permanent);
    }
}
