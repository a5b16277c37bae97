using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mitzvah.Core;
using Mitzvah.Core.Sending;
using Mitzvah.Sqlite;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;
using Mitzvah.Twilio;

namespace Mitzvah.Bench;

/// <summary>
/// Twilio's status callbacks at load against <c>mitzvah serve</c>, started as its own process on a SQLite file:
/// the daily run sends to N subscribers through a <see cref="LoopbackTwilio"/> that holds their callbacks, then the
/// loopback posts them all, signed, shuffled together and some twice, at the given concurrency over loopback HTTP.
/// Prints errors, latency percentiles and throughput, and checks that every ledger item ends exactly at the fate
/// Twilio reported; exits non-zero on any error or wrong item.
/// </summary>
internal static class CallbackBenchmark
{
    private const string SendDay = "2026-11-25";
    private static readonly DateOnly Day = DateOnly.Parse(SendDay, CultureInfo.InvariantCulture);

    // Callbacks per message, before duplicates, of the fate mix in FateOf: 10% failed (queued, failed), 5%
    // undelivered and 25% delivered (queued, sent, fate), 60% read (queued, sent, delivered, read).
    private const double CallbacksPerMessage = (0.10 * 2) + (0.05 * 3) + (0.25 * 3) + (0.60 * 4);

    public static async Task<int> MainAsync(string[] args)
    {
        var settings = CallbackBenchSettings.Parse(args, out var error);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        return await BenchDatabase.RunAsync(path => RunAsync(settings, path));
    }

    private static async Task<int> RunAsync(CallbackBenchSettings settings, string databasePath)
    {
        var messages = (int)Math.Ceiling(settings.Callbacks / (CallbacksPerMessage * (1 + (settings.DuplicatePercent / 100d))));
        await SeedAsync(databasePath, messages);
        await using var twilio = await LoopbackTwilio.StartAsync(new LoopbackTwilioOptions
        {
            HoldCallbacks = true,
            CallbackConcurrency = settings.Concurrency,
            CallbackSeed = settings.Seed,
            DuplicateRate = settings.DuplicatePercent / 100d,
        });
        for (var i = 1; i <= messages; i++)
        {
            twilio.ScriptFate(TestPhones.Numbered(i), FateOf(i));
        }

        await using var serve = await ServeProcess.StartAsync(databasePath, twilio);
        var summary = await SendAsync(databasePath, twilio, new Uri(serve.BaseAddress, "api/status"));
        if (summary.Sent != messages)
        {
            await Console.Error.WriteLineAsync($"FAILED: the daily run sent {summary.Sent} of {messages} messages: {summary.ToJson()}");
            return 1;
        }

        var wall = Stopwatch.StartNew();
        var posted = twilio.ReleaseCallbacks();
        await twilio.WaitForCallbacksAsync(TimeSpan.FromMinutes(10));
        wall.Stop();

        var callbacks = twilio.Callbacks;
        var first = callbacks.Where(callback => callback.Attempt == 1).ToList();
        var errors = callbacks.Count(callback => !callback.Answered);
        var latencies = first.Select(callback => callback.Elapsed.TotalMilliseconds).Order().ToArray();
        double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        var wrong = await WrongItemsAsync(databasePath, twilio.Fates);

        Print("ledger items (messages)", messages);
        Print("status callbacks posted", posted);
        Print("  of which duplicates", first.Count(callback => callback.Duplicate));
        Print("concurrency", settings.Concurrency);
        Print("errors (not 2xx or not delivered)", errors);
        Print("retries", callbacks.Count - first.Count);
        Print("wall time (s)", wall.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        Print("callbacks/s", (posted / wall.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture));
        Print("latency p50 (ms)", At(0.50).ToString("F2", CultureInfo.InvariantCulture));
        Print("latency p99 (ms)", At(0.99).ToString("F2", CultureInfo.InvariantCulture));
        Print("latency max (ms)", latencies[^1].ToString("F2", CultureInfo.InvariantCulture));
        Print("final states", string.Join(", ", twilio.Fates.Values.GroupBy(fate => fate.Status).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => $"{group.Key} {group.Count()}")));
        Print("ledger items not at Twilio's fate", wrong.Count);
        foreach (var line in wrong.Take(10))
        {
            await Console.Error.WriteLineAsync("  " + line);
        }

        var ok = errors == 0 && wrong.Count == 0 && first.Count == posted;
        if (!ok)
        {
            await Console.Error.WriteLineAsync($"FAILED: {errors} errors, {wrong.Count} wrong ledger items.\n{serve.Output}");
        }

        return ok ? 0 : 1;
    }

    private static LoopbackFate FateOf(int i) => (i % 20) switch
    {
        0 => LoopbackFate.Failed("63024"),
        1 => LoopbackFate.Failed("63049"),
        2 => LoopbackFate.Undelivered("30008"),
        >= 3 and <= 7 => LoopbackFate.Delivered,
        _ => LoopbackFate.Read,
    };

    private static async Task SeedAsync(string databasePath, int count)
    {
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = databasePath });
        for (var i = 1; i <= count; i++)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).ViaWebForm("v1", "203.0.113.7", "mitzvah-bench").Build());
        }
    }

    /// <summary>The real daily run (template mode) into the same SQLite file that serve records the callbacks in.</summary>
    private static async Task<SendSummary> SendAsync(string databasePath, LoopbackTwilio twilio, Uri statusCallbackUrl)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TwilioSettingNames.TwilioAccountSid] = twilio.AccountSid,
            [TwilioSettingNames.TwilioAuthToken] = twilio.AuthToken,
            [TwilioSettingNames.TwilioWhatsAppNumber] = "+14155238886",
            [TwilioSettingNames.TwilioApiBaseUrl] = twilio.BaseUrl.ToString(),
            [TwilioSettingNames.TwilioStatusCallbackUrl] = statusCallbackUrl.ToString(),
            [TwilioSettingNames.WhatsAppTemplateSid] = "HX0123456789abcdef0123456789abcdef",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddMitzvahCore(configuration).AddMitzvahSqlite(databasePath).AddMitzvahTwilio(configuration);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return await provider.GetRequiredService<DailySendService>().RunAsync(new SendRequest(Date: Day));
    }

    private static async Task<List<string>> WrongItemsAsync(string databasePath, IReadOnlyDictionary<string, LoopbackFate> fates)
    {
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = databasePath });
        var items = await ledger.ListAsync(Day);
        var wrong = new List<string>();
        foreach (var item in items)
        {
            if (item.MessageId is null || !fates.TryGetValue(item.MessageId, out var fate))
            {
                wrong.Add($"{item.Phone}: {item.State}, message {item.MessageId} unknown to Twilio");
            }
            else if (item.DeliveryStatus != fate.LedgerStatus || item.DeliveryErrorCode != fate.ErrorCode)
            {
                wrong.Add($"{item.Phone}: Twilio reported {fate.Status} {fate.ErrorCode}, the ledger holds {item.DeliveryStatus} {item.DeliveryErrorCode}");
            }
        }

        if (items.Count != fates.Count)
        {
            wrong.Add($"{items.Count} ledger items for {fates.Count} messages");
        }

        return wrong;
    }

    private static void Print(string name, object value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name + ":",-46} {value}"));
}
