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
/// The done-when scenario: a number joins by WhatsApp through the catch-all HTTP function, and the timer, firing at both UTC
/// candidate hours of a daylight-saving change day, sends it exactly one message, through Azurite and Prism.
/// </summary>
[Collection(SharedStandIns.Name)]
public sealed class DailyMitzvahTimerTests(StandInsFixture standIns) : IAsyncLifetime
{
    private const string Phone = "+14155552671";
    private readonly string _prefix = StandInsFixture.NewPrefix();

    [Theory]
    // DST ends: 10:00 CST is 16:00Z, so 15:00Z is 09:00 local and does nothing.
    [InlineData("2026-11-01", 16)]
    // DST starts: 10:00 CDT is 15:00Z; 16:00Z (11:00 local) finds the message already sent.
    [InlineData("2027-03-14", 15)]
    public async Task A_whatsapp_subscriber_gets_exactly_one_message_when_the_timer_fires_at_both_utc_hours(string day, int sendHour)
    {
        var date = DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix), At(date, 12));
        Assert.True(app.Services.GetRequiredService<DeliveryPlanner>().Plan(date).Send, $"{day} must be a send day (not Shabbat or Yom Tov).");

        var joined = await JoinByWhatsAppAsync(app);
        Assert.Equal(200, (int)joined.StatusCode);
        Assert.Contains("You&apos;re subscribed", joined.ReadBody(), StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await app.Services.GetRequiredService<ISubscriberStore>().GetAsync(Phone))?.Status);

        // Both scheduled firings, plus a retried firing of the last one.
        var firings = new[] { (Hour: 15, Minute: 0), (Hour: 16, Minute: 0), (Hour: 16, Minute: 1) };
        var summaries = new Dictionary<(int, int), JsonElement>();
        foreach (var firing in firings)
        {
            app.Time.SetUtcNow(At(date, firing.Hour, firing.Minute));
            summaries[firing] = await FireTimerAsync(app);
        }

        Assert.Equal(1L, summaries.Values.Sum(summary => summary.GetProperty("sent").GetInt64()));
        var sent = summaries[(sendHour, 0)];
        Assert.True(sent.GetProperty("send").GetBoolean());
        Assert.Equal(date, DateOnly.ParseExact(sent.GetProperty("studyDate").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(1L, sent.GetProperty("sent").GetInt64());
        Assert.Equal(0L, sent.GetProperty("failed").GetInt64());
        Assert.Equal("subscribers", sent.GetProperty("recipients").GetString());
        foreach (var (firing, summary) in summaries.Where(pair => pair.Key != (sendHour, 0)))
        {
            if (firing.Item1 < sendHour)
            {
                Assert.False(summary.GetProperty("send").GetBoolean());
                Assert.Equal("before-send-hour", summary.GetProperty("reason").GetString());
                Assert.Equal(0L, summary.GetProperty("sent").GetInt64());
            }
            else
            {
                Assert.Equal(1L, summary.GetProperty("alreadySent").GetInt64());
                Assert.Equal(0L, summary.GetProperty("sent").GetInt64());
            }
        }

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
