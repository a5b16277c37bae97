using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Mitzvah.Core;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Sqlite;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;
using Mitzvah.Twilio;

namespace Mitzvah.Bench;

/// <summary>
/// The daily run at scale: N opted-in subscribers in a temporary SQLite file, the real <see cref="DailySendService"/>
/// and <see cref="TwilioMessenger"/>, and a <see cref="LoopbackTwilio"/> with Twilio-like latency and a concurrency
/// limit answered with 429. Prints throughput against the ideal (N × latency ÷ concurrency), memory, 429s and
/// duplicates; exits non-zero on any duplicate or unsent message.
/// </summary>
internal static class SendBenchmark
{
    private static readonly DateOnly SendDay = new(2026, 11, 25);

    public static async Task<int> MainAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args, out var error);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        return await BenchDatabase.RunAsync(path => RunAsync(settings, path));
    }

    private static async Task<int> RunAsync(BenchSettings settings, string databasePath)
    {
        var seeding = Stopwatch.StartNew();
        await SeedAsync(databasePath, settings.Subscribers);
        seeding.Stop();

        await using var loopback = await LoopbackTwilio.StartAsync(new LoopbackTwilioOptions
        {
            Latency = TimeSpan.FromMilliseconds(settings.LatencyMs),
            ConcurrencyLimit = settings.Limit,
        });
        var timings = settings.Profile ? new CallTimings() : null;
        await using var services = BuildServices(settings, databasePath, loopback, timings);
        var service = services.GetRequiredService<DailySendService>();

        using var sampler = new WorkingSetSampler();
        var progress = new ConsoleProgress(settings.Subscribers);
        var wall = Stopwatch.StartNew();
        var summary = await service.RunAsync(new SendRequest(Date: SendDay), progress);
        wall.Stop();
        var (sampledPeak, peakThreads, peakQueued) = await sampler.StopAsync();

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var duplicates = loopback.CountsByPhone().Values.Sum(count => Math.Max(0, count - 1));
        var ideal = settings.Subscribers * (settings.LatencyMs / 1000d) / settings.Concurrency;
        var seconds = wall.Elapsed.TotalSeconds;
        var mb = 1024d * 1024d;

        Print("mode", settings.Template ? "template" : "freeform");
        Print("subscribers", settings.Subscribers);
        Print("concurrency", settings.Concurrency);
        Print("latency (ms)", settings.LatencyMs);
        Print("429 limit (in flight)", settings.Limit);
        Print("seeding (s, not counted)", seeding.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        Print("wall time (s)", seconds.ToString("F2", CultureInfo.InvariantCulture));
        Print("messages/s", (summary.Sent / seconds).ToString("F1", CultureInfo.InvariantCulture));
        Print("ideal (s)", ideal.ToString("F2", CultureInfo.InvariantCulture));
        Print("ratio to ideal", (seconds / ideal).ToString("F3", CultureInfo.InvariantCulture));
        Print("peak working set (MB)", (process.PeakWorkingSet64 / mb).ToString("F1", CultureInfo.InvariantCulture));
        Print("peak working set during send (MB, sampled)", (sampledPeak / mb).ToString("F1", CultureInfo.InvariantCulture));
        Print("peak requests in flight at Twilio", loopback.PeakInFlight);
        Print("429s seen", loopback.TooManyRequestsCount);
        Print("requests", loopback.RequestCount);
        Print("duplicates", duplicates);
        Print("sent", summary.Sent);
        Print("failed", summary.Failed);
        Print("summary", summary.ToJson());
        if (timings is not null)
        {
            Print("peak thread-pool threads", peakThreads);
            Print("peak queued work items", peakQueued);
            foreach (var line in timings.Report())
            {
                Console.WriteLine(line);
            }
        }

        var ok = duplicates == 0 && summary.Sent == settings.Subscribers && loopback.AcceptedCount == settings.Subscribers;
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"FAILED: {duplicates} duplicates, {summary.Sent} of {settings.Subscribers} sent, {loopback.AcceptedCount} accepted at Twilio.");
        }

        return ok ? 0 : 1;
    }

    private static async Task SeedAsync(string databasePath, int count)
    {
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = databasePath });
        for (var i = 1; i <= count; i++)
        {
            var change = ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).ViaWebForm("v1", "203.0.113.7", "mitzvah-bench").Build();
            await store.RecordConsentAsync(change);
        }
    }

    private static ServiceProvider BuildServices(BenchSettings settings, string databasePath, LoopbackTwilio loopback, CallTimings? timings)
    {
        var values = new Dictionary<string, string?>
        {
            [TwilioSettingNames.TwilioAccountSid] = loopback.AccountSid,
            [TwilioSettingNames.TwilioAuthToken] = loopback.AuthToken,
            [TwilioSettingNames.TwilioWhatsAppNumber] = "+14155238886",
            [TwilioSettingNames.TwilioApiBaseUrl] = loopback.BaseUrl.ToString(),
            [SettingNames.SendConcurrency] = settings.Concurrency.ToString(CultureInfo.InvariantCulture),
        };
        if (settings.Template)
        {
            values[TwilioSettingNames.WhatsAppTemplateSid] = "HX0123456789abcdef0123456789abcdef";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddMitzvahCore(configuration).AddMitzvahSqlite(databasePath).AddMitzvahTwilio(configuration);
        if (timings is not null)
        {
            services.Replace(ServiceDescriptor.Singleton<IDeliveryLedger>(p => new CallTimings.Ledger(ActivatorUtilities.CreateInstance<SqliteDeliveryLedger>(p), timings)));
            services.Replace(ServiceDescriptor.Singleton<IMessenger>(p => new CallTimings.Messenger(ActivatorUtilities.CreateInstance<TwilioMessenger>(p), timings)));
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private static void Print(string name, object value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name + ":",-46} {value}"));

    /// <summary>Prints every tenth of the run; reports from concurrent sends cost one interlocked read.</summary>
    private sealed class ConsoleProgress(int total) : IProgress<SendProgress>
    {
        private long _nextTenth = 1;

        public void Report(SendProgress value)
        {
            var tenth = Interlocked.Read(ref _nextTenth);
            if (value.Done * 10 < tenth * total || Interlocked.CompareExchange(ref _nextTenth, tenth + 1, tenth) != tenth)
            {
                return;
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {tenth * 10}%: {value.Done} done, {value.Sent} sent, {value.Failed} failed"));
        }
    }

    /// <summary>Samples the process's working set and the thread pool every 50 ms in the background.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(long WorkingSet, int Threads, long Queued)> _sampling;

        public WorkingSetSampler() => _sampling = Task.Run(() => SampleAsync(_stop.Token));

        public async Task<(long WorkingSet, int Threads, long Queued)> StopAsync()
        {
            await _stop.CancelAsync();
            return await _sampling;
        }

        public void Dispose() => _stop.Dispose();

        private static async Task<(long WorkingSet, int Threads, long Queued)> SampleAsync(CancellationToken cancellationToken)
        {
            using var process = Process.GetCurrentProcess();
            long peak = 0, queued = 0;
            var threads = 0;
            while (true)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                threads = Math.Max(threads, ThreadPool.ThreadCount);
                queued = Math.Max(queued, ThreadPool.PendingWorkItemCount);
                try
                {
                    await Task.Delay(50, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return (peak, threads, queued);
                }
            }
        }
    }
}
