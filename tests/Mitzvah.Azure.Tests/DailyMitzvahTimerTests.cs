using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The done-when scenario: a number joins by WhatsApp through the catch-all HTTP function, and the timer, firing every
/// 15 minutes through a daylight-saving change day, sends it exactly one message at its own send time, through
/// Azurite and Prism.
/// </summary>
[Collection(SharedStandIns.Name)]
public sealed class DailyMitzvahTimerTests(StandInsFixture standIns) : IAsyncLifetime
{
    private const string Phone = "+14155552671";
    private readonly string _prefix = StandInsFixture.NewPrefix();

    [Theory]
    [InlineData("2026-11-01")] // daylight saving time ends in the United States
    [InlineData("2027-03-14")] // daylight saving time begins
    public async Task A_whatsapp_subscriber_gets_exactly_one_message_at_its_send_time_from_the_15_minute_timer(string day)
    {
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix), At(date, 12));

        var joined = await JoinByWhatsAppAsync(app);
        Assert.Equal(200, (int)joined.StatusCode);
        Assert.Contains("You&apos;re subscribed", joined.ReadBody(), StringComparison.Ordinal);
        var subscriber = await app.Services.GetRequiredService<ISubscriberStore>().GetAsync(Phone);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        var schedule = app.Services.GetRequiredService<SendSchedule>();
        var moment = schedule.MomentOf(date, schedule.PreferencesOf(subscriber!));

        // Every tick of the rest of the day, plus a retried firing of the sending one.
        var summaries = new List<(DateTimeOffset At, JsonElement Summary)>();
        for (var at = At(date, 12); at < At(date.AddDays(1), 0); at += SendSchedule.TickInterval)
        {
            app.Time.SetUtcNow(at);
            summaries.Add((at, await FireTimerAsync(app)));
            if (at == moment)
            {
                summaries.Add((at, await FireTimerAsync(app)));
            }
        }

        Assert.Equal(1L, summaries.Sum(tick => tick.Summary.GetProperty("sent").GetInt64()));
        var sent = Assert.Single(summaries, tick => tick.Summary.GetProperty("sent").GetInt64() == 1);
        Assert.Equal(moment, sent.At);
        Assert.Equal(sent.At, DateTimeOffset.Parse(sent.Summary.GetProperty("tickAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(0L, sent.Summary.GetProperty("failed").GetInt64());
        Assert.Equal("subscribers", sent.Summary.GetProperty("recipients").GetString());
        Assert.All(summaries, tick => Assert.Equal(0L, tick.Summary.GetProperty("missed").GetInt64()));

        var ledger = await app.Services.GetRequiredService<IDeliveryLedger>().ListAsync(date);
        var record = Assert.Single(ledger);
        Assert.Equal(Phone, record.Phone);
        Assert.Equal(DeliveryState.Sent, record.State);
        Assert.StartsWith("SM", record.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_past_due_firing_is_logged_as_a_warning()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix), At(new DateOnly(2026, 11, 1), 15));

        await FireTimerAsync(app, pastDue: true);

        Assert.Contains(app.Logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("past due", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Phone_numbers_are_masked_in_every_log_line()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix), At(new DateOnly(2026, 11, 1), 16));
        await JoinByWhatsAppAsync(app);

        await FireTimerAsync(app);

        Assert.NotEmpty(app.Logs.Entries);
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Message.Contains(Phone, StringComparison.Ordinal));
        Assert.Contains(app.Logs.Entries, entry => entry.Message.Contains(PhoneMask.Mask(Phone), StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    private static DateTimeOffset At(DateOnly date, int hour, int minute = 0) =>
        new(date.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    private static async Task<TestHttpResponseData> JoinByWhatsAppAsync(FunctionAppHarness app)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", "SM" + Guid.NewGuid().ToString("N")),
            new("AccountSid", TestSettings.AccountSid),
            new("From", "whatsapp:" + Phone),
            new("To", "whatsapp:" + TestSettings.WhatsAppNumber),
            new("Body", "JOIN MITZVAH"),
            new("NumMedia", "0"),
        };
        var url = new Uri(FunctionAppHarness.BaseUrl, "api/consent");
        await using var invocation = app.Activate<HttpFunction>();
        var request = FunctionAppHarness.Request(
            invocation.Context,
            "POST",
            "api/consent",
            ScenarioRequest.FormType,
            TwilioSignature.FormBody(form),
            [new("X-Twilio-Signature", TwilioSignature.Compute(TestSettings.AuthToken, url, form))]);
        return (TestHttpResponseData)await invocation.Function.RunAsync(request, CancellationToken.None);
    }

    /// <summary>Fires the timer and returns the run's summary, as <see cref="DailySendService"/> logged it (once per firing).</summary>
    private static async Task<JsonElement> FireTimerAsync(FunctionAppHarness app, bool pastDue = false)
    {
        var before = app.Logs.Entries.Count;
        await using (var invocation = app.Activate<DailyMitzvahTimer>())
        {
            var timer = new TimerInfo { IsPastDue = pastDue };
            await invocation.Function.RunAsync(timer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        }

        var line = Assert.Single(
            app.Logs.Entries.Skip(before),
            entry => entry.Category == typeof(DailySendService).FullName && entry.State.ContainsKey("Summary"));
        using var summary = JsonDocument.Parse(Assert.IsType<string>(line.State["Summary"]));
        return summary.RootElement.Clone();
    }
}
