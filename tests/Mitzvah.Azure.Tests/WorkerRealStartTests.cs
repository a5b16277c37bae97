using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Azure.Tests.HostEmulator;
using Mitzvah.Azure.Tests.Ingestion;
using Mitzvah.Core;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.Consent;
using Xunit.Abstractions;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The published worker started as the Functions host starts it (<c>dotnet Mitzvah.Azure.dll --functions-uri …</c>,
/// app settings in the environment) against a host emulator speaking <c>FunctionRpc.EventStream</c>, Azurite and
/// Prism: what in-process tests cannot see (packaging, start-up, the gRPC shapes of requests and responses).
/// </summary>
/// <remarks>
/// The worker reads the real clock. The send zone is a fixed-offset zone in which it is now about noon, and rest days
/// are not skipped, so "today" sends whenever the suite runs; the test computes today with the app's own
/// <see cref="StudyClock"/> from the same settings.
/// </remarks>
[Collection(PublishedWorker.Name)]
public sealed class WorkerRealStartTests(PublishedWorkerFixture published, StandInsFixture standIns, ITestOutputHelper output) : IAsyncLifetime
{
    private const string FirstPhone = "+14155552671";
    private const string SecondPhone = "+14155552672";
    private const string ForgedPhone = "+14155550199";

    private readonly string _prefix = StandInsFixture.NewPrefix();
    private Dictionary<string, string?>? _settings;

    [Fact]
    public async Task The_worker_starts_reports_its_three_functions_and_declares_its_http_capabilities()
    {
        // With metrics on, as deployed: the exporter is built when the worker's host starts.
        await using var ingestion = await IngestionStandIn.StartAsync();
        var durations = new List<TimeSpan>();
        var capabilities = new List<string>();
        for (var start = 0; start < 5; start++)
        {
            await using var host = await FunctionsHostEmulator.StartAsync(published, WithIngestion(ingestion));
            durations.Add(host.InitDuration);
            capabilities = [.. host.Capabilities.Select(pair => $"{pair.Key}={pair.Value}")];

            Assert.Equal(["DailyMitzvahTimer", "Http", "SendNow"], host.Functions.Keys.Order(StringComparer.Ordinal));
            Assert.True(RpcHttpShaping.Declared(host.Capabilities, RpcHttpShaping.RpcHttpBodyOnly), string.Join(", ", host.Capabilities.Keys));
        }

        var sorted = durations.Order().ToList();
        output.WriteLine("Capabilities: {0}", string.Join(", ", capabilities.Order(StringComparer.Ordinal)));
        output.WriteLine(
            "Worker start to WorkerInitResponse: median {0:F0} ms (of {1}: {2})",
            sorted[sorted.Count / 2].TotalMilliseconds,
            sorted.Count,
            string.Join(", ", durations.Select(duration => duration.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + " ms")));
    }

    [Fact]
    public async Task Health_answers_ok_through_the_catch_all()
    {
        await using var host = await FunctionsHostEmulator.StartAsync(published, Settings());

        var response = await host.SendAsync(new EmulatedHttpRequest { Method = "GET", PathAndQuery = "api/health" });

        Assert.True(response.StatusCode == 200, response.Body + "\n" + host.Output);
        using var health = JsonDocument.Parse(response.Body);
        Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_webhook_subscribes_the_number_and_a_forged_one_is_refused_with_nothing_written()
    {
        await using var host = await FunctionsHostEmulator.StartAsync(published, Settings());
        await using var app = App();
        var store = app.GetRequiredService<ISubscriberStore>();

        var joined = await JoinAsync(host, FirstPhone);
        var forged = await JoinAsync(host, ForgedPhone, TestSettings.AuthToken + "-not");

        Assert.True(joined.StatusCode == 200, joined.Body + "\n" + host.Output);
        Assert.Contains("You&apos;re subscribed", joined.Body, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await store.GetAsync(FirstPhone))?.Status);
        Assert.Equal(403, forged.StatusCode);
        Assert.Null(await store.GetAsync(ForgedPhone));
        Assert.Empty(await store.GetHistoryAsync(ForgedPhone));
    }

    [Fact]
    public async Task The_timer_tick_and_the_manual_trigger_send_exactly_one_message_per_subscriber_and_day()
    {
        await using var ingestion = await IngestionStandIn.StartAsync();
        await using var host = await FunctionsHostEmulator.StartAsync(published, WithIngestion(ingestion));
        await using var app = App();
        var today = app.GetRequiredService<StudyClock>().Today();
        foreach (var phone in new[] { FirstPhone, SecondPhone })
        {
            var joined = await JoinAsync(host, phone);
            Assert.True(joined.StatusCode == 200, joined.Body + "\n" + host.Output);
        }

        // A late firing (the host reports it past due), then the next tick, which finds nobody due any more.
        var late = await FireTimerAsync(host, isPastDue: true);
        var heartbeatsAfterLate = Heartbeats(ingestion);
        var onTime = await FireTimerAsync(host, isPastDue: false);
        var heartbeatsAfterOnTime = Heartbeats(ingestion);
        var testDate = new DateOnly(2026, 11, 1);
        var manual = await SendNowAsync(host, testDate);
        var manualAgain = await SendNowAsync(host, testDate);

        Assert.Single(host.Logs, log => log.Message.Contains("past due", StringComparison.Ordinal));
        AssertSummary(late, today, sent: 2, alreadySent: 0);
        AssertSummary(onTime, today, sent: 0, alreadySent: 0);
        Assert.Equal((2L, 0L), (late.GetProperty("eligible").GetInt64(), onTime.GetProperty("eligible").GetInt64()));
        AssertSummary(manual, testDate, sent: 2, alreadySent: 0);
        AssertSummary(manualAgain, testDate, sent: 0, alreadySent: 2);
        // Each subscriber got the message of their own local date, which the number's zone decides.
        var ledger = app.GetRequiredService<IDeliveryLedger>();
        var ticked = new List<DeliveryRecord>();
        foreach (var date in new[] { today.AddDays(-1), today, today.AddDays(1) })
        {
            ticked.AddRange(await ledger.ListAsync(date));
        }

        Assert.Equal([FirstPhone, SecondPhone], ticked.Select(record => record.Phone).Order(StringComparer.Ordinal));
        foreach (var records in new[] { ticked, await ledger.ListAsync(testDate) })
        {
            Assert.Equal([FirstPhone, SecondPhone], records.Select(record => record.Phone).Order(StringComparer.Ordinal));
            Assert.All(records, record =>
            {
                Assert.Equal(DeliveryState.Sent, record.State);
                Assert.StartsWith("SM", record.MessageId, StringComparison.Ordinal);
            });
        }

        // Each timer run left the process as one batch of custom metrics, flushed before its invocation returned (a
        // Flex Consumption instance may be scaled in right after; without the flush they would leave 60 s later).
        // The previous day's delivery counts go only with the operator's daily tick, at 00:00 here: not these.
        Assert.Equal([1, 2], [heartbeatsAfterLate, heartbeatsAfterOnTime]);
        var studyDate = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var metrics = await ingestion.WaitForMetricsAsync(
            received => received.Count(metric => metric.Name == SummaryMetrics.HeartbeatName) >= 2, "both timer runs' metrics");
        var runs = metrics.GroupBy(metric => metric.Batch).Select(batch => batch.ToDictionary(metric => metric.Name)).ToList();
        Assert.Equal(2, runs.Count);
        foreach (var run in runs)
        {
            Assert.Equal(
                SummaryMetrics.All.Select(metric => metric.Name).Where(name => !name.StartsWith("Previous", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
                run.Keys.Order(StringComparer.Ordinal));
            Assert.All(run.Values, metric =>
            {
                Assert.Equal(1, metric.Count);
                Assert.Equal(ingestion.InstrumentationKey, metric.InstrumentationKey);
                Assert.Equal(studyDate, metric.Properties[RunSummaryMetrics.StudyDateTag]);
            });
            Assert.Equal(1, run[SummaryMetrics.HeartbeatName].Value);
            Assert.Equal(0, run[SummaryMetrics.FailedName].Value);
        }

        Assert.Equal([(2.0, 2.0), (0.0, 0.0)], runs.Select(run => (run["Eligible"].Value, run["Sent"].Value)));
        // The manual trigger publishes none, and the exporter called nothing but the track endpoint.
        Assert.DoesNotContain(metrics, metric => metric.Properties[RunSummaryMetrics.StudyDateTag] != studyDate);
        Assert.All(ingestion.Requests, request => Assert.Equal("POST /v2.1/track", request));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    /// <summary>
    /// The app settings, with an operator's zone where it is now about noon, every day a send day and a send time of
    /// 00:00, so that every subscriber's moment has come whatever their zone; fixed per test.
    /// </summary>
    private Dictionary<string, string?> Settings() => _settings ??= NoonSettings();

    private Dictionary<string, string?> NoonSettings()
    {
        var settings = TestSettings.Complete(standIns, _prefix);
        var hoursAhead = 12 - DateTimeOffset.UtcNow.Hour;
        settings[SettingNames.TimeZone] = hoursAhead switch
        {
            0 => "Etc/UTC",
            > 0 => $"Etc/GMT-{hoursAhead}",
            _ => $"Etc/GMT+{-hoursAhead}",
        };
        settings[SettingNames.SkipRestDays] = "false";
        settings[SettingNames.SendTime] = "00:00";
        return settings;
    }

    private static int Heartbeats(IngestionStandIn ingestion) =>
        ingestion.Metrics.Count(metric => metric.Name == SummaryMetrics.HeartbeatName);

    /// <summary>
    /// The settings plus an Application Insights connection string to <paramref name="ingestion"/>. The exporter's own
    /// usage telemetry (statsbeat, SDK stats) is switched off: it would look up Azure's instance metadata and post to
    /// Microsoft's endpoints, which a test must not reach.
    /// </summary>
    private Dictionary<string, string?> WithIngestion(IngestionStandIn ingestion) => new(Settings())
    {
        [MitzvahFunctionsApp.ApplicationInsightsConnectionStringSetting] = ingestion.ConnectionString,
        ["APPLICATIONINSIGHTS_STATSBEAT_DISABLED"] = "true",
        ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED"] = "true",
        ["APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL"] = "true",
    };

    /// <summary>The app's own services on the same settings, to read what the worker wrote to Azurite.</summary>
    private ServiceProvider App()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build();
        var services = new ServiceCollection().AddLogging();
        MitzvahFunctionsApp.ConfigureServices(services, configuration);
        return services.BuildServiceProvider();
    }

    private static Task<EmulatedHttpResponse> JoinAsync(FunctionsHostEmulator host, string phone, string signingToken = TestSettings.AuthToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", "SM" + Guid.NewGuid().ToString("N")),
            new("AccountSid", TestSettings.AccountSid),
            new("From", "whatsapp:" + phone),
            new("To", "whatsapp:" + TestSettings.WhatsAppNumber),
            new("Body", "JOIN MITZVAH"),
            new("NumMedia", "0"),
        };
        var url = new Uri(FunctionsHostEmulator.PublicBaseUrl, "api/consent");
        return host.SendAsync(new EmulatedHttpRequest
        {
            Method = "POST",
            PathAndQuery = "api/consent",
            ContentType = ScenarioRequest.FormType,
            Body = TwilioSignature.FormBody(form),
            Headers = [new("X-Twilio-Signature", TwilioSignature.Compute(signingToken, url, form))],
        });
    }

    /// <summary>Fires the timer and returns the summary the run logged through the worker's log stream.</summary>
    private static async Task<JsonElement> FireTimerAsync(FunctionsHostEmulator host, bool isPastDue)
    {
        const string Prefix = "Daily send finished: ";
        var invocationId = await host.FireTimerAsync("DailyMitzvahTimer", isPastDue);
        var log = await host.WaitForLogAsync(invocationId, Prefix);
        using var summary = JsonDocument.Parse(log.Message[Prefix.Length..]);
        return summary.RootElement.Clone();
    }

    private static async Task<JsonElement> SendNowAsync(FunctionsHostEmulator host, DateOnly date)
    {
        var response = await host.SendAsync(new EmulatedHttpRequest
        {
            Method = "POST",
            PathAndQuery = "api/send",
            ContentType = "application/json",
            Body = $"{{\"test_date\":\"{date:yyyy-MM-dd}\"}}",
            Headers = [new("Authorization", "Bearer " + TestSettings.SendToken), new("x-functions-key", FunctionsHostEmulator.FunctionKey)],
        });
        Assert.True(response.StatusCode == 200, response.Body + "\n" + host.Output);
        using var summary = JsonDocument.Parse(response.Body);
        return summary.RootElement.Clone();
    }

    private static void AssertSummary(JsonElement summary, DateOnly date, long sent, long alreadySent)
    {
        Assert.True(summary.GetProperty("send").GetBoolean(), summary.ToString());
        Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), summary.GetProperty("studyDate").GetString());
        Assert.Equal("subscribers", summary.GetProperty("recipients").GetString());
        Assert.Equal(sent, summary.GetProperty("sent").GetInt64());
        Assert.Equal(alreadySent, summary.GetProperty("alreadySent").GetInt64());
        Assert.Equal(0L, summary.GetProperty("failed").GetInt64());
    }
}
