using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Sending;

/// <summary>The 15-minute tick: each subscriber at their own local time, in their own calendar, never on their Shabbat.</summary>
public sealed class SendTickTests
{
    private static readonly ScheduleOptions Operator = new();

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemorySubscriberStore _inner = new();
    private readonly InMemoryDeliveryLedger _ledger = new();
    private readonly InMemoryMessenger _messenger;
    private readonly CountingSubscriberStore _store;
    private readonly SendSchedule _schedule;
    private readonly CancellationTokenSource _guard = new(TimeSpan.FromSeconds(60));

    public SendTickTests()
    {
        _messenger = new InMemoryMessenger(_time);
        _store = new CountingSubscriberStore(_inner);
        _schedule = new SendSchedule(new DeliveryPlanner(StudyCycle.Default, Options.Create(Operator)), Options.Create(Operator));
    }

    [Fact]
    public async Task Ticks_through_a_friday_and_a_shabbat_send_everyone_at_their_own_local_time_and_nothing_on_their_shabbat()
    {
        var thursday = new DateOnly(2026, 12, 3);
        var subscribers = new (string Phone, DeliveryPreferences Preferences)[]
        {
            ("+13125550101", DeliveryPreferences.OperatorDefaults),
            ("+447700900101", new DeliveryPreferences { TimeZone = "Europe/London", Calendar = FestivalCalendar.Diaspora }),
            ("+358401234567", new DeliveryPreferences { TimeZone = "Europe/Helsinki", SendTime = new TimeOnly(14, 0), Calendar = FestivalCalendar.Diaspora }),
            ("+972501234567", new DeliveryPreferences { TimeZone = "Asia/Jerusalem", Calendar = FestivalCalendar.Israel }),
            ("+6421123456", new DeliveryPreferences { TimeZone = "Pacific/Auckland", SendTime = new TimeOnly(7, 0), Calendar = FestivalCalendar.Diaspora }),
        };
        foreach (var (phone, preferences) in subscribers)
        {
            // Subscribed long ago and served through Wednesday: due at Thursday's moment.
            await JoinAsync(phone, preferences, _time.GetUtcNow());
            var effective = preferences.Resolve(Operator);
            Assert.True(await _inner.SetNextSendAtAsync(phone, _time.GetUtcNow(), _schedule.MomentOf(thursday, effective)));
        }

        var start = new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2026, 12, 7, 17, 45, 0, TimeSpan.Zero);
        var ticks = await TickAsync(start, end);

        foreach (var (phone, preferences) in subscribers)
        {
            var effective = preferences.Resolve(Operator);
            var sends = _messenger.Sends.Where(send => send.Phone == phone).ToList();
            var dates = sends.Select(send => send.Message.Date).ToList();
            Assert.Equal([thursday, thursday.AddDays(1), thursday.AddDays(3), thursday.AddDays(4)], dates);
            foreach (var send in sends)
            {
                var local = TimeZoneInfo.ConvertTime(send.At, TimeZoneInfo.FindSystemTimeZoneById(effective.TimeZone));
                Assert.Equal(send.Message.Date, DateOnly.FromDateTime(local.DateTime));
                Assert.NotEqual(DayOfWeek.Saturday, local.DayOfWeek);
                var moment = _schedule.MomentOf(send.Message.Date, effective);

                // The first tick from the moment, except a moment before the first tick, which that tick catches up.
                Assert.Equal(moment < start ? start : moment, send.At);
                if (local.DayOfWeek == DayOfWeek.Friday)
                {
                    Assert.True(send.At <= CandleLighting.On(send.Message.Date, effective.TimeZone)!.Value - TimeSpan.FromHours(2));
                    Assert.Equal([send.Message.Date, send.Message.Date.AddDays(1)], send.Message.Content.Days.Select(day => day.Date));
                }
            }
        }

        // Spot checks against a clock on the wall.
        Assert.Equal(At("2026-12-03T16:00:00Z"), SendTo("+13125550101", thursday).At);
        Assert.Equal(At("2026-12-03T08:00:00Z"), SendTo("+972501234567", thursday).At);
        Assert.Equal(At("2026-12-04T11:00:00Z"), SendTo("+358401234567", thursday.AddDays(1)).At);
        Assert.Equal(At("2026-12-03T12:00:00Z"), SendTo("+358401234567", thursday).At);
        Assert.Equal(At("2026-12-05T18:00:00Z"), SendTo("+6421123456", thursday.AddDays(3)).At);

        // Every tick read only the subscribers due in it, through the due index; nothing scanned the store.
        Assert.Equal(0, _store.Scans);
        Assert.Equal(ticks.Sum(tick => tick.Due), _store.DueItems);
        Assert.Equal(20, ticks.Sum(tick => tick.Summary.Sent));
        Assert.True(ticks.Count(tick => tick.Due == 0) > ticks.Count * 3 / 4, "most ticks have nobody due");
        Assert.All(ticks, tick => Assert.Equal(0, tick.Summary.Missed));
    }

    [Fact]
    public async Task In_the_israeli_calendar_the_diasporas_second_festival_day_sends_and_each_calendar_bundles_its_own_rest_days()
    {
        // Pesach 5787 begins on the evening of Wednesday 21 April 2027: Thursday is Yom Tov everywhere, Friday only in
        // the diaspora, then Shabbat.
        var wednesday = new DateOnly(2027, 4, 21);
        await JoinAsync("+972501234567", new DeliveryPreferences { TimeZone = "Asia/Jerusalem", Calendar = FestivalCalendar.Israel }, At("2027-04-20T12:00:00Z"));
        await JoinAsync("+447700900101", new DeliveryPreferences { TimeZone = "Europe/London", Calendar = FestivalCalendar.Diaspora }, At("2027-04-20T12:00:00Z"));

        await TickAsync(At("2027-04-20T12:00:00Z"), At("2027-04-25T23:45:00Z"));

        var israel = _messenger.Sends.Where(send => send.Phone == "+972501234567").ToList();
        var diaspora = _messenger.Sends.Where(send => send.Phone == "+447700900101").ToList();
        Assert.Equal([wednesday.AddDays(-1), wednesday, wednesday.AddDays(2), wednesday.AddDays(4)], israel.Select(send => send.Message.Date));
        Assert.Equal([wednesday.AddDays(-1), wednesday, wednesday.AddDays(4)], diaspora.Select(send => send.Message.Date));
        Assert.Equal([wednesday, wednesday.AddDays(1)], israel[1].Message.Content.Days.Select(day => day.Date));
        Assert.Equal(Enumerable.Range(0, 4).Select(wednesday.AddDays), diaspora[1].Message.Content.Days.Select(day => day.Date));
    }

    [Fact]
    public async Task A_join_after_the_send_time_gets_todays_message_at_the_next_tick_and_a_join_before_it_waits_for_it()
    {
        var late = "+447700900102";
        var early = "+447700900103";
        var london = new DeliveryPreferences { TimeZone = "Europe/London" };
        await JoinAsync(late, london, At("2026-12-02T15:07:00Z"));
        await JoinAsync(early, london, At("2026-12-02T08:07:00Z"));

        await TickAsync(At("2026-12-02T08:15:00Z"), At("2026-12-02T23:45:00Z"));

        Assert.Equal(At("2026-12-02T10:00:00Z"), SendTo(early, new DateOnly(2026, 12, 2)).At);
        Assert.Equal(At("2026-12-02T15:15:00Z"), SendTo(late, new DateOnly(2026, 12, 2)).At);
        Assert.Equal(2, _messenger.Sends.Count);
    }

    [Fact]
    public async Task A_join_on_shabbat_or_after_candle_lighting_gets_nothing_until_the_next_send_day()
    {
        var london = new DeliveryPreferences { TimeZone = "Europe/London" };

        // Friday 4 December: candles in London at about 15:35 GMT. One joins at 15:50 on Friday, one on Shabbat.
        await JoinAsync("+447700900104", london, At("2026-12-04T15:50:00Z"));
        await JoinAsync("+447700900105", london, At("2026-12-05T11:00:00Z"));

        var ticks = await TickAsync(At("2026-12-04T16:00:00Z"), At("2026-12-06T23:45:00Z"));

        Assert.All(_messenger.Sends, send => Assert.Equal(new DateOnly(2026, 12, 6), send.Message.Date));
        Assert.Equal([At("2026-12-06T10:00:00Z"), At("2026-12-06T10:00:00Z")], _messenger.Sends.Select(send => send.At));

        // The Friday joiner's message could no longer go out: recorded missed, never sent on Shabbat.
        Assert.Equal(1, ticks.Sum(tick => tick.Summary.Missed));
        var missed = Assert.Single(await _ledger.ListAsync(new DateOnly(2026, 12, 4)));
        Assert.Equal(("+447700900104", DeliveryState.Failed, DeliveryNames.MissedErrorCode), (missed.Phone, missed.State, missed.ErrorCode));
    }

    [Fact]
    public async Task A_paused_subscriber_gets_nothing_until_the_pause_ends_and_then_that_days_message_at_the_send_time()
    {
        var phone = "+447700900106";
        await JoinAsync(phone, new DeliveryPreferences { TimeZone = "Europe/London" }, At("2026-11-29T12:00:00Z"));
        await _inner.SetPreferencesAsync(phone, new DeliveryPreferences { TimeZone = "Europe/London", PausedUntil = new DateOnly(2026, 12, 3) }, At("2026-11-30T09:00:00Z"));

        await TickAsync(At("2026-11-30T09:00:00Z"), At("2026-12-03T23:45:00Z"));

        var send = Assert.Single(_messenger.Sends);
        Assert.Equal((new DateOnly(2026, 12, 3), At("2026-12-03T10:00:00Z")), (send.Message.Date, send.At));
    }

    [Fact]
    public async Task After_an_outage_the_next_tick_catches_up_today_and_yesterdays_message_is_missed_not_sent_late()
    {
        var phone = "+447700900107";
        await JoinAsync(phone, new DeliveryPreferences { TimeZone = "Europe/London" }, At("2026-11-30T12:00:00Z"));
        await TickAsync(At("2026-11-30T12:00:00Z"), At("2026-12-01T09:00:00Z"));

        // No tick from Tuesday 09:15 to Wednesday 11:00.
        var afterOutage = await TickAsync(At("2026-12-02T11:00:00Z"), At("2026-12-02T11:00:00Z"));

        Assert.Equal([new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 2)], _messenger.Sends.Select(send => send.Message.Date));
        Assert.Equal(At("2026-12-02T11:00:00Z"), _messenger.Sends[^1].At);
        var tick = Assert.Single(afterOutage).Summary;
        Assert.Equal((1L, 1L), (tick.Sent, tick.Missed));
        Assert.Equal(DeliveryNames.MissedErrorCode, (await _ledger.GetAsync(new DateOnly(2026, 12, 1), phone))?.ErrorCode);
        var report = DeliveryReport.From(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1), await _ledger.ListAsync(new DateOnly(2026, 12, 1)));
        Assert.Equal((1L, 0L, 0L), (report.Missed, report.Failed, report.Accepted));
        Assert.Contains("missed", report.ToTable(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-03-14", "02:30", "2027-03-14T07:00:00Z")] // clocks jump from 02:00 to 03:00 EST→EDT
    [InlineData("2026-11-01", "01:30", "2026-11-01T05:30:00Z")] // 01:30 happens twice; the first (EDT) sends
    public async Task Across_a_daylight_saving_change_the_message_goes_out_once(string day, string time, string expected)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var phone = "+12125550108";
        var preferences = new DeliveryPreferences { TimeZone = "America/New_York", SendTime = TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture) };
        var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await JoinAsync(phone, preferences, start.AddDays(-1));
        await _inner.SetNextSendAtAsync(phone, start.AddDays(-1), _schedule.MomentOf(date, preferences.Resolve(Operator)));

        await TickAsync(start, start.AddHours(23.75));

        var send = Assert.Single(_messenger.Sends);
        Assert.Equal((date, At(expected)), (send.Message.Date, send.At));
    }

    [Fact]
    public async Task A_tick_stopped_at_its_deadline_leaves_the_rest_due_and_the_next_tick_serves_them_once()
    {
        var phones = Enumerable.Range(0, 12).Select(i => $"+4477009002{i:00}").ToList();
        foreach (var phone in phones)
        {
            await JoinAsync(phone, new DeliveryPreferences { TimeZone = "Europe/London" }, At("2026-12-02T09:00:00Z"));
        }

        _time.SetUtcNow(At("2026-12-02T10:00:00Z"));
        var service = Service();

        // A deadline already within the margin: nobody is claimed.
        var stopped = await service.RunAsync(new SendRequest(At: _time.GetUtcNow(), Deadline: _time.GetUtcNow() + TimeSpan.FromSeconds(1)), cancellationToken: _guard.Token);
        var next = await TickAsync(At("2026-12-02T10:15:00Z"), At("2026-12-02T10:30:00Z"));

        Assert.True(stopped.StoppedAtDeadline);
        Assert.Equal(0, stopped.Sent);
        Assert.Equal(12, next[0].Summary.Sent);
        Assert.Equal(0, next[1].Due);
        Assert.Equal(phones.Order(StringComparer.Ordinal), _messenger.Sends.Select(send => send.Phone).Order(StringComparer.Ordinal));
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private InMemorySend SendTo(string phone, DateOnly date) => Assert.Single(_messenger.Sends, send => send.Phone == phone && send.Message.Date == date);

    private Task<ConsentChangeResult> JoinAsync(string phone, DeliveryPreferences preferences, DateTimeOffset at) =>
        _inner.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(at).Build() with { Preferences = preferences });

    /// <summary>Runs a tick every 15 minutes from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    private async Task<List<(int Due, SendSummary Summary)>> TickAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var service = Service();
        var ticks = new List<(int, SendSummary)>();
        for (var at = from; at <= to; at += SendSchedule.TickInterval)
        {
            _time.SetUtcNow(at);
            var due = (await _inner.ListDueAsync(at, null, 1000)).Items.Count;
            ticks.Add((due, await service.RunAsync(new SendRequest(At: at), cancellationToken: _guard.Token)));
        }

        return ticks;
    }

    private DailySendService Service()
    {
        var schedule = Options.Create(Operator);
        var planner = new DeliveryPlanner(StudyCycle.Default, schedule);
        return new DailySendService(
            planner,
            new DailyMessageComposer(MitzvahCatalogue.Default),
            new StudyClock(_time, schedule),
            new SubscriberRecipients(_store),
            _ledger,
            _messenger,
            _time,
            Options.Create(new SendOptions { Concurrency = 4 }),
            schedule,
            NullLogger<DailySendService>.Instance,
            new DeliveryReporter(planner, _ledger),
            _schedule);
    }
}
