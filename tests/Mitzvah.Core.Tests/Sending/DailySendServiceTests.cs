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
/// The daily run on the in-memory store, ledger and messenger, with a fake clock: every back-off is a timer the test
/// sees and moves past, so nothing here waits in real time.
/// </summary>
public sealed class DailySendServiceTests : IDisposable
{
    /// <summary>A Wednesday: a working day whose message covers only itself.</summary>
    private static readonly DateOnly Day = new(2026, 11, 25);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private readonly ObservedTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero));
    private readonly InMemorySubscriberStore _store = new();
    private readonly InMemoryDeliveryLedger _ledger = new();
    private readonly InMemoryMessenger _messenger;

    // Only a guard: a regression that leaves the run waiting fails the test instead of hanging the suite.
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(30));

    public DailySendServiceTests() => _messenger = new InMemoryMessenger(_time);

    private CancellationToken Guard => _guard.Token;

    public void Dispose() => _guard.Dispose();

    [Fact]
    public async Task Every_opted_in_subscriber_gets_the_days_message_once_and_the_ledger_holds_each_id()
    {
        var phones = await SeedAsync(5);
        await _store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Bob).Build());

        var summary = await RunToEndAsync(Service());

        Assert.True(summary.Send);
        Assert.Null(summary.Reason);
        Assert.Equal(Day, summary.StudyDate);
        Assert.Equal([Day], summary.Covers);
        Assert.Equal("in-memory", summary.Messenger);
        Assert.Equal("subscribers", summary.Recipients);
        Assert.Equal(5, summary.Eligible);
        Assert.Equal(5, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(phones, _messenger.Sends.Select(s => s.Phone).Order(StringComparer.Ordinal));
        Assert.All(_messenger.Sends, s => Assert.Equal(MessageFor(Day).WhatsApp, s.Message.WhatsApp));
        foreach (var send in _messenger.Sends)
        {
            var record = await _ledger.GetAsync(Day, send.Phone);
            Assert.Equal(DeliveryState.Sent, record?.State);
            Assert.Equal(send.Outcome?.MessageId, record?.MessageId);
        }
    }

    [Fact]
    public async Task The_summary_carries_the_previous_send_dates_delivery_as_the_ledger_holds_it()
    {
        await SeedAsync(2);
        var tuesday = Day.AddDays(-1);
        var first = await RunToEndAsync(Service(), new SendRequest(Date: tuesday));
        var now = _time.GetUtcNow();
        var delivered = await _ledger.GetAsync(tuesday, TestPhones.Numbered(1));
        var failed = await _ledger.GetAsync(tuesday, TestPhones.Numbered(2));
        await _ledger.RecordStatusAsync(tuesday, delivered!.Phone, delivered.MessageId!, DeliveryStatus.Delivered, null, now);
        await _ledger.RecordStatusAsync(tuesday, failed!.Phone, failed.MessageId!, DeliveryStatus.Undelivered, "63016", now);

        var summary = await RunToEndAsync(Service());
        var test = await RunToEndAsync(Service(), new SendRequest(Date: Day, TestRecipient: TestPhones.Alice));

        Assert.Equal(tuesday.AddDays(-1), first.Previous?.Date);
        Assert.Equal(tuesday, summary.Previous?.Date);
        Assert.Equal(2, summary.Previous?.Accepted);
        Assert.Equal(1, summary.Previous?.Delivered);
        Assert.Equal(1, summary.Previous?.Failed);
        Assert.Equal(1, summary.Previous?.Errors["63016"]);
        Assert.Null(test.Previous);
    }

    [Fact]
    public async Task A_ledger_that_cannot_list_the_previous_day_leaves_the_summary_without_it_and_the_run_goes_on()
    {
        await SeedAsync(1);
        var ledger = new LedgerUnreachableFor(_ledger, TestPhones.Bob) { ListingFails = true };

        var summary = await RunToEndAsync(Service(ledger: ledger));

        Assert.Equal(1, summary.Sent);
        Assert.Null(summary.Previous);
    }

    [Fact]
    public async Task Transient_failures_are_retried_within_an_exponential_back_off_until_accepted()
    {
        await SeedAsync(1);
        var phone = TestPhones.Numbered(1);
        _messenger.Script(phone, Transient("20503"), Transient("20503"));

        var summary = await RunToEndAsync(Service(o => o.BaseDelay = TimeSpan.FromSeconds(1)));

        Assert.Equal(1, summary.Sent);
        Assert.Equal(0, summary.Failed);
        var sends = _messenger.Sends;
        Assert.Equal(["20503", "20503", null], sends.Select(s => s.Outcome?.ErrorCode));
        // Full jitter under a ceiling that doubles: the fake clock moved only as far as each chosen delay.
        Assert.InRange(sends[1].At - sends[0].At, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.InRange(sends[2].At - sends[1].At, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Equal(sends[2].Outcome?.MessageId, (await _ledger.GetAsync(Day, phone))?.MessageId);
    }

    [Fact]
    public async Task A_recipient_that_stays_unavailable_is_left_failed_for_a_later_run_which_retries_it()
    {
        await SeedAsync(2);
        var flaky = TestPhones.Numbered(2);
        _messenger.ScriptAlways(flaky, Transient("20500"));

        var first = await RunToEndAsync(Service(o => o.MaxAttempts = 3));

        Assert.Equal(1, first.Sent);
        Assert.Equal(1, first.Failed);
        Assert.Equal(3, _messenger.Sends.Count(s => s.Phone == flaky));
        var failed = await _ledger.GetAsync(Day, flaky);
        Assert.Equal(DeliveryState.Failed, failed?.State);
        Assert.Equal("20500", failed?.ErrorCode);
        Assert.False(failed?.Permanent);

        _messenger.ScriptAlways(flaky, SendOutcome.Sent("IM-recovered"));
        var rerun = await RunToEndAsync(Service(o => o.MaxAttempts = 3));

        Assert.Equal(1, rerun.Sent);
        Assert.Equal(1, rerun.AlreadySent);
        Assert.Equal("IM-recovered", (await _ledger.GetAsync(Day, flaky))?.MessageId);
        Assert.Equal(1, _messenger.CountTo(flaky));
    }

    [Fact]
    public async Task A_rate_limited_send_waits_exactly_the_retry_after_before_it_is_retried()
    {
        await SeedAsync(1);
        var phone = TestPhones.Numbered(1);
        _messenger.Script(phone, RateLimited(TimeSpan.FromSeconds(20)));
        var service = Service(o =>
        {
            o.BaseDelay = TimeSpan.FromSeconds(1);
            o.MaxDelay = TimeSpan.FromSeconds(30);
        });

        var run = service.RunAsync(new SendRequest(Date: Day), cancellationToken: Guard);
        await _time.WaitForTimersAsync(1, Guard);

        // Retry-After exceeds the 1 s jitter ceiling, so it is the wait.
        Assert.Equal([TimeSpan.FromSeconds(20)], _time.Delays);
        _time.Advance(TimeSpan.FromSeconds(20) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _time.PendingTimers);
        Assert.Single(_messenger.Sends);
        Assert.False(run.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var summary = await run;

        Assert.Equal(1, summary.Sent);
        var sends = _messenger.Sends;
        Assert.Equal(2, sends.Count);
        Assert.Equal(TimeSpan.FromSeconds(20), sends[1].At - sends[0].At);
        Assert.Equal(20_000, summary.DurationMs);
    }

    [Fact]
    public async Task A_retry_after_beyond_the_longest_wait_ends_this_runs_attempts_without_waiting()
    {
        await SeedAsync(1);
        var phone = TestPhones.Numbered(1);
        _messenger.Script(phone, RateLimited(TimeSpan.FromMinutes(2)));

        var summary = await Service(o => o.MaxDelay = TimeSpan.FromSeconds(30)).RunAsync(new SendRequest(Date: Day), cancellationToken: Guard);

        Assert.Equal(1, summary.Failed);
        Assert.Empty(_time.Delays);
        Assert.Single(_messenger.Sends);
        var record = await _ledger.GetAsync(Day, phone);
        Assert.Equal(DeliveryState.Failed, record?.State);
        Assert.Equal("20429", record?.ErrorCode);
        Assert.False(record?.Permanent);
    }

    [Fact]
    public async Task Rate_limits_halve_the_sends_in_flight_and_answered_calls_grow_it_back()
    {
        var phones = await SeedAsync(16);
        var firstWave = phones.Take(8).ToList();
        foreach (var phone in firstWave)
        {
            _messenger.Script(phone, RateLimited(TimeSpan.FromSeconds(2)));
        }

        _messenger.Hold();
        var run = Service(o =>
        {
            o.Concurrency = 8;
            o.BaseDelay = TimeSpan.FromSeconds(1);
        }).RunAsync(new SendRequest(Date: Day), cancellationToken: Guard);

        // The configured concurrency at first, all of it refused.
        await _messenger.WaitUntilAsync(m => m.InFlight == 8, Guard);
        Assert.Equal(firstWave, _messenger.Sends.Select(s => s.Phone).Order(StringComparer.Ordinal));
        _messenger.Release(8);
        await _time.WaitForTimersAsync(8, Guard);
        Assert.All(_time.Delays, delay => Assert.Equal(TimeSpan.FromSeconds(2), delay));
        Assert.Equal(8, _messenger.Sends.Count);

        // After the wait, the eight retries go out four at a time: one cut for the whole refused round.
        _time.Advance(TimeSpan.FromSeconds(2));
        await _messenger.WaitUntilAsync(m => m.Sends.Count >= 12, Guard);
        Assert.Equal(12, _messenger.Sends.Count);
        Assert.Equal(4, _messenger.InFlight);
        for (var answered = 1; answered <= 4; answered++)
        {
            _messenger.Release(1);
            await _messenger.WaitUntilAsync(m => m.Sends.Count >= 12 + answered, Guard);
            Assert.Equal(12 + answered, _messenger.Sends.Count);
            Assert.Equal(4, _messenger.InFlight);
        }

        // Additive increase: a window of about as many answered calls as there are slots adds one.
        _messenger.Release(1);
        await _messenger.WaitUntilAsync(m => m.InFlight >= 5, Guard);
        Assert.Equal(5, _messenger.InFlight);
        Assert.Equal(18, _messenger.Sends.Count);

        _messenger.ReleaseAll();
        var summary = await run;

        Assert.Equal(16, summary.Sent);
        Assert.Equal(0, summary.Failed);
        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
    }

    [Fact]
    public async Task On_a_rest_day_nothing_is_sent_or_written_and_the_day_before_covers_it()
    {
        await SeedAsync(3);
        var saturday = new DateOnly(2026, 11, 28);

        var rest = await Service().RunAsync(new SendRequest(Date: saturday), cancellationToken: Guard);

        Assert.False(rest.Send);
        Assert.Equal("rest-day", rest.Reason);
        Assert.Empty(rest.Covers);
        Assert.Equal(0, rest.Eligible);
        Assert.Empty(_messenger.Sends);
        Assert.Empty(await _ledger.ListAsync(saturday));

        var friday = await RunToEndAsync(Service(), new SendRequest(Date: saturday.AddDays(-1)));

        Assert.Equal([saturday.AddDays(-1), saturday], friday.Covers);
        Assert.Equal(3, friday.Sent);
    }

    [Fact]
    public async Task A_lapsed_claim_whose_message_the_provider_took_is_recorded_not_resent()
    {
        var phones = await SeedAsync(2);
        var (lapsed, fresh) = (phones[0], phones[1]);

        // An earlier run claimed the send, the provider took the message, and the run died before recording it.
        await _ledger.TryClaimAsync(Day, lapsed, _time.GetUtcNow(), Lease);
        var earlier = _messenger.AddAccepted(lapsed, MessageFor(Day));
        _time.Advance(Lease + TimeSpan.FromSeconds(1));

        var summary = await RunToEndAsync(Service());

        Assert.Equal(1, summary.AlreadySent);
        Assert.Equal(1, summary.Sent);
        Assert.DoesNotContain(_messenger.Sends, s => s.Phone == lapsed);
        Assert.Equal(1, _messenger.CountTo(lapsed));
        Assert.Equal([lapsed], _messenger.Lookups);
        var record = await _ledger.GetAsync(Day, lapsed);
        Assert.Equal(DeliveryState.Sent, record?.State);
        Assert.Equal(earlier, record?.MessageId);
        Assert.Equal(2, record?.Attempts);
        Assert.Equal(1, _messenger.CountTo(fresh));
    }

    [Fact]
    public async Task A_lapsed_claim_that_the_provider_never_took_is_sent_after_the_look_up()
    {
        var phones = await SeedAsync(1);
        await _ledger.TryClaimAsync(Day, phones[0], _time.GetUtcNow(), Lease);
        _time.Advance(Lease);

        var summary = await RunToEndAsync(Service());

        Assert.Equal(1, summary.Sent);
        Assert.Equal([phones[0]], _messenger.Lookups);
        Assert.Equal(1, _messenger.CountTo(phones[0]));
    }

    [Fact]
    public async Task When_the_look_up_keeps_failing_the_recipient_is_left_failed_unsent_and_a_later_run_asks_again()
    {
        var phones = await SeedAsync(2);
        var lapsed = phones[0];
        await _ledger.TryClaimAsync(Day, lapsed, _time.GetUtcNow(), Lease);
        var earlier = _messenger.AddAccepted(lapsed, MessageFor(Day));
        _time.Advance(Lease);
        var outage = new HttpRequestException("provider unavailable");
        _messenger.ScriptLookupFailures(lapsed, outage, outage, outage);

        var summary = await RunToEndAsync(Service(o => o.MaxAttempts = 3));

        Assert.Equal(1, summary.Failed);
        Assert.Equal(1, summary.Sent);
        Assert.Equal([lapsed, lapsed, lapsed], _messenger.Lookups);
        Assert.DoesNotContain(_messenger.Sends, s => s.Phone == lapsed);
        var failed = await _ledger.GetAsync(Day, lapsed);
        Assert.Equal(DeliveryState.Failed, failed?.State);
        Assert.Equal("lookup-failed", failed?.ErrorCode);
        Assert.False(failed?.Permanent);

        var rerun = await RunToEndAsync(Service(o => o.MaxAttempts = 3));

        Assert.Equal(2, rerun.AlreadySent);
        Assert.Equal(0, rerun.Sent);
        Assert.Equal(earlier, (await _ledger.GetAsync(Day, lapsed))?.MessageId);
        Assert.Equal(1, _messenger.CountTo(lapsed));
    }

    [Fact]
    public async Task A_run_cancelled_after_the_provider_took_its_messages_is_reconciled_by_the_next_run()
    {
        var phones = await SeedAsync(3);
        _messenger.Hold();
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(Guard);
        var killed = Service().RunAsync(new SendRequest(Date: Day), cancellationToken: kill.Token);
        await _messenger.WaitUntilAsync(m => m.InFlight == 3, Guard);

        await kill.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => killed);
        Assert.All(await _ledger.ListAsync(Day), r => Assert.Equal(DeliveryState.Claimed, r.State));
        _messenger.ReleaseAll();
        _time.Advance(Lease);

        var rerun = await RunToEndAsync(Service());

        Assert.Equal(3, rerun.AlreadySent);
        Assert.Equal(0, rerun.Sent);
        Assert.Equal(3, _messenger.Sends.Count);
        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
        Assert.All(await _ledger.ListAsync(Day), r => Assert.Equal(DeliveryState.Sent, r.State));
    }

    [Fact]
    public async Task A_live_claim_of_another_run_is_left_alone()
    {
        var phones = await SeedAsync(2);
        await _ledger.TryClaimAsync(Day, phones[0], _time.GetUtcNow(), Lease);

        var summary = await RunToEndAsync(Service());

        Assert.Equal(1, summary.InProgressElsewhere);
        Assert.Equal(1, summary.Sent);
        Assert.Equal([phones[1]], _messenger.Sends.Select(s => s.Phone));
        Assert.Empty(_messenger.Lookups);
    }

    [Fact]
    public async Task Permanent_refusals_are_recorded_as_such_and_change_the_subscriber_only_when_they_should()
    {
        var phones = await SeedAsync(6);
        string optedOut = phones[0], invalid = phones[1], outsideWindow = phones[2], rejected = phones[3];
        _messenger.Script(optedOut, SendOutcome.Failed(SendFailureKind.OptedOut, "21610", "unsubscribed"));
        _messenger.Script(invalid, SendOutcome.Failed(SendFailureKind.InvalidNumber, "21211", "invalid To"));
        _messenger.Script(outsideWindow, SendOutcome.Failed(SendFailureKind.TemplateRequired, "63016", "outside the window"));
        _messenger.Script(rejected, SendOutcome.Failed(SendFailureKind.Rejected, "20003", "authenticate"));

        var summary = await RunToEndAsync(Service());

        Assert.Equal(6, summary.Eligible);
        Assert.Equal(2, summary.Sent);
        Assert.Equal(4, summary.Failed);
        Assert.Equal(1, summary.OptedOut);
        Assert.Equal(1, summary.Invalid);
        Assert.Equal(1, summary.TemplateRequired);
        Assert.Empty(_time.Delays);
        Assert.All(phones, phone => Assert.Single(_messenger.Sends, s => s.Phone == phone));
        await AssertFailedAsync(optedOut, "21610", permanent: true);
        await AssertFailedAsync(invalid, "21211", permanent: true);
        await AssertFailedAsync(outsideWindow, "63016", permanent: false);
        await AssertFailedAsync(rejected, "20003", permanent: false);

        var optedOutNow = await _store.GetAsync(optedOut);
        Assert.Equal(ConsentStatus.OptedOut, optedOutNow?.Status);
        Assert.Equal(ConsentSource.Delivery, optedOutNow?.Source);
        Assert.Contains("21610", optedOutNow?.Evidence.Note, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.Invalid, (await _store.GetAsync(invalid))?.Status);
        Assert.Equal(ConsentStatus.OptedIn, (await _store.GetAsync(outsideWindow))?.Status);
        Assert.Equal(ConsentStatus.OptedIn, (await _store.GetAsync(rejected))?.Status);

        var rerun = await RunToEndAsync(Service());

        // The store no longer lists the two unreachable numbers; the other two failures are tried again.
        Assert.Equal(4, rerun.Eligible);
        Assert.Equal(2, rerun.AlreadySent);
        Assert.Equal(2, rerun.Sent);
        Assert.Single(_messenger.Sends, s => s.Phone == optedOut);
        Assert.Single(_messenger.Sends, s => s.Phone == invalid);
    }

    [Fact]
    public async Task One_bad_recipient_never_stops_the_others()
    {
        var phones = await SeedAsync(8);
        string buggy = phones[2], unstorable = phones[5];
        for (var i = 0; i < 3; i++)
        {
            _messenger.ScriptThrow(buggy, new InvalidOperationException("messenger bug"));
        }

        var ledger = new LedgerUnreachableFor(_ledger, unstorable);

        var summary = await RunToEndAsync(Service(o => o.MaxAttempts = 3, ledger));

        Assert.Equal(8, summary.Eligible);
        Assert.Equal(6, summary.Sent);
        Assert.Equal(2, summary.Failed);
        Assert.All(phones.Except([buggy, unstorable]), phone => Assert.Equal(1, _messenger.CountTo(phone)));
        Assert.Equal(3, _messenger.Sends.Count(s => s.Phone == buggy));
        Assert.DoesNotContain(_messenger.Sends, s => s.Phone == unstorable);
        await AssertFailedAsync(buggy, "exception", permanent: false);
        Assert.Null(await _ledger.GetAsync(Day, unstorable));
    }

    [Fact]
    public async Task A_dry_run_counts_the_recipients_and_sends_and_writes_nothing()
    {
        var phones = await SeedAsync(3);
        var before = await Task.WhenAll(phones.Select(phone => _store.GetAsync(phone)));

        var summary = await Service().RunAsync(new SendRequest(Date: Day, DryRun: true), cancellationToken: Guard);

        Assert.True(summary.DryRun);
        Assert.True(summary.Send);
        Assert.Equal(3, summary.Eligible);
        Assert.Equal(0, summary.Sent);
        Assert.Empty(_messenger.Sends);
        Assert.Empty(await _ledger.ListAsync(Day));
        Assert.Equal(before, await Task.WhenAll(phones.Select(phone => _store.GetAsync(phone))));
    }

    [Fact]
    public async Task A_test_recipient_gets_the_message_outside_the_ledger_and_no_subscriber_does()
    {
        await SeedAsync(3);
        const string Operator = "+15550009999";

        var first = await RunToEndAsync(Service(), new SendRequest(Date: Day, TestRecipient: Operator));
        var again = await RunToEndAsync(Service(), new SendRequest(Date: Day, TestRecipient: Operator));

        Assert.Equal("test-recipient", first.Recipients);
        Assert.Equal(PhoneMask.Mask(Operator), first.TestRecipient);
        Assert.DoesNotContain(Operator, first.ToJson(), StringComparison.Ordinal);
        Assert.Equal(1, first.Eligible);
        Assert.Equal(1, first.Sent);
        Assert.Equal(1, again.Sent);
        Assert.Equal([Operator, Operator], _messenger.Sends.Select(s => s.Phone));
        Assert.Empty(await _ledger.ListAsync(Day));
    }

    [Fact]
    public async Task A_test_recipient_that_is_not_an_E164_number_is_refused_before_anything_is_sent()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Service().RunAsync(new SendRequest(Date: Day, TestRecipient: "5550009999"), cancellationToken: Guard));

        Assert.Empty(_messenger.Sends);
    }

    [Fact]
    public async Task A_rerun_of_the_same_date_sends_nothing()
    {
        var phones = await SeedAsync(6);
        await RunToEndAsync(Service());

        var rerun = await RunToEndAsync(Service());

        Assert.Equal(6, rerun.Eligible);
        Assert.Equal(0, rerun.Sent);
        Assert.Equal(6, rerun.AlreadySent);
        Assert.Equal(6, _messenger.Sends.Count);
        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
    }

    [Fact]
    public async Task Two_overlapping_runs_send_each_message_once()
    {
        var phones = await SeedAsync(12);
        _messenger.Hold();
        var first = Service(o => o.Concurrency = 2).RunAsync(new SendRequest(Date: Day), cancellationToken: Guard);
        var second = Service(o => o.Concurrency = 2).RunAsync(new SendRequest(Date: Day), cancellationToken: Guard);

        // Both runs have their sends in flight at once before any answers.
        await _messenger.WaitUntilAsync(m => m.InFlight == 4, Guard);
        _messenger.ReleaseAll();
        var summaries = await Task.WhenAll(first, second);

        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
        Assert.Equal(12, _messenger.Sends.Count);
        Assert.Equal(12, summaries.Sum(s => s.Sent));
        Assert.All(summaries, s => Assert.True(s.Sent >= 2, "Each run sent its first sends."));
        Assert.All(summaries, s => Assert.Equal(12, s.Sent + s.AlreadySent + s.InProgressElsewhere));
    }

    [Fact]
    public async Task Near_its_deadline_a_run_claims_nobody_new_records_its_sends_in_flight_and_a_rerun_serves_the_rest()
    {
        var phones = await SeedAsync(10);
        var margin = TimeSpan.FromSeconds(90);
        var deadline = _time.GetUtcNow() + margin + TimeSpan.FromSeconds(5);
        _messenger.Hold();
        var run = Service(o =>
        {
            o.Concurrency = 2;
            o.DeadlineMargin = margin;
        }).RunAsync(new SendRequest(Date: Day, Deadline: deadline), cancellationToken: Guard);

        // Two sends are in flight when the stop time (deadline - margin) passes; they answer after it.
        await _messenger.WaitUntilAsync(m => m.InFlight == 2, Guard);
        _time.Advance(TimeSpan.FromSeconds(5));
        _messenger.ReleaseAll();
        var first = await run;

        Assert.True(first.StoppedAtDeadline);
        Assert.Equal(2, first.Sent);
        Assert.Equal(8, first.Remaining);
        Assert.Equal(10, first.Eligible);
        Assert.Equal(0, first.Failed);
        Assert.Equal(2, _messenger.Sends.Count);
        Assert.All(_messenger.Sends, s => Assert.True(s.Accepted));
        var records = await _ledger.ListAsync(Day);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(DeliveryState.Sent, r.State));
        var json = System.Text.Json.JsonDocument.Parse(first.ToJson()).RootElement;
        Assert.True(json.GetProperty("stoppedAtDeadline").GetBoolean());
        Assert.Equal(8, json.GetProperty("remaining").GetInt64());

        var rerun = await RunToEndAsync(Service(o => o.Concurrency = 2), new SendRequest(Date: Day, Deadline: _time.GetUtcNow() + TimeSpan.FromMinutes(15)));

        Assert.False(rerun.StoppedAtDeadline);
        Assert.Equal(0, rerun.Remaining);
        Assert.Equal(8, rerun.Sent);
        Assert.Equal(2, rerun.AlreadySent);
        Assert.All(phones, phone => Assert.Equal(1, _messenger.CountTo(phone)));
    }

    [Fact]
    public async Task A_run_whose_deadline_is_already_within_the_margin_sends_nothing_and_leaves_everyone()
    {
        await SeedAsync(3);

        var summary = await RunToEndAsync(Service(), new SendRequest(Date: Day, Deadline: _time.GetUtcNow() + TimeSpan.FromSeconds(59)));

        Assert.True(summary.StoppedAtDeadline);
        Assert.Equal(3, summary.Remaining);
        Assert.Equal(3, summary.Eligible);
        Assert.Equal(0, summary.Sent);
        Assert.Empty(_messenger.Sends);
        Assert.Empty(await _ledger.ListAsync(Day));
    }

    [Fact]
    public async Task A_retry_due_after_the_stop_time_is_not_started_and_the_recipient_is_left_to_the_next_run()
    {
        await SeedAsync(1);
        var phone = TestPhones.Numbered(1);
        _messenger.Script(phone, Transient("20503"));
        var deadline = _time.GetUtcNow() + TimeSpan.FromSeconds(61);
        _messenger.Hold();
        var run = Service().RunAsync(new SendRequest(Date: Day, Deadline: deadline), cancellationToken: Guard);

        // The first attempt fails after the stop time: no back-off, no second attempt in this run.
        await _messenger.WaitUntilAsync(m => m.InFlight == 1, Guard);
        _time.Advance(TimeSpan.FromSeconds(2));
        _messenger.ReleaseAll();
        var first = await run;

        Assert.True(first.StoppedAtDeadline);
        Assert.Equal(1, first.Remaining);
        Assert.Equal(0, first.Failed);
        Assert.Empty(_time.Delays);
        Assert.Single(_messenger.Sends);
        await AssertFailedAsync(phone, "deadline", permanent: false);

        var rerun = await RunToEndAsync(Service());

        Assert.Equal(1, rerun.Sent);
        Assert.Equal(1, _messenger.CountTo(phone));
        Assert.Equal(DeliveryState.Sent, (await _ledger.GetAsync(Day, phone))?.State);
    }

    private static DailyMessage MessageFor(DateOnly date)
    {
        var planner = new DeliveryPlanner(StudyCycle.Default, Options.Create(new ScheduleOptions()));
        return new DailyMessageComposer(MitzvahCatalogue.Default).Compose(planner.Plan(date));
    }

    private static SendOutcome Transient(string code) => SendOutcome.Failed(SendFailureKind.Transient, code, "server error");

    private static SendOutcome RateLimited(TimeSpan retryAfter) =>
        SendOutcome.Failed(SendFailureKind.RateLimited, "20429", "too many requests", retryAfter);

    private DailySendService Service(Action<SendOptions>? configure = null, IDeliveryLedger? ledger = null)
    {
        var schedule = Options.Create(new ScheduleOptions());
        var options = new SendOptions { Concurrency = 4, Lease = Lease };
        configure?.Invoke(options);
        var planner = new DeliveryPlanner(StudyCycle.Default, schedule);
        return new DailySendService(
            planner,
            new DailyMessageComposer(MitzvahCatalogue.Default),
            new StudyClock(_time, schedule),
            new SubscriberRecipients(_store),
            ledger ?? _ledger,
            _messenger,
            _time,
            Options.Create(options),
            schedule,
            NullLogger<DailySendService>.Instance,
            new DeliveryReporter(planner, ledger ?? _ledger),
            new SendSchedule(planner, schedule));
    }

    /// <summary>Runs once, moving the fake clock to each timer the run starts (its back-offs) until it finishes.</summary>
    private async Task<SendSummary> RunToEndAsync(DailySendService service, SendRequest? request = null)
    {
        var run = service.RunAsync(request ?? new SendRequest(Date: Day), cancellationToken: Guard);
        while (!run.IsCompleted)
        {
            // Counted before looking for a pending timer, so a timer started in between is not missed.
            var started = _time.Delays.Count;
            if (!_time.AdvanceToNextTimer())
            {
                await Task.WhenAny(run, _time.WaitForTimersAsync(started + 1, Guard));
            }
        }

        return await run;
    }

    /// <summary>Opts in numbered subscribers 1..<paramref name="count"/> and returns their numbers in phone order.</summary>
    private async Task<IReadOnlyList<string>> SeedAsync(int count)
    {
        var phones = Enumerable.Range(1, count).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            await _store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());
        }

        return phones;
    }

    private async Task AssertFailedAsync(string phone, string errorCode, bool permanent)
    {
        var record = await _ledger.GetAsync(Day, phone);
        Assert.Equal(DeliveryState.Failed, record?.State);
        Assert.Equal(errorCode, record?.ErrorCode);
        Assert.Equal(permanent, record?.Permanent);
    }
}
