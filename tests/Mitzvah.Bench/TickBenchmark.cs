using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;
using Mitzvah.DynamoDb;
using Mitzvah.Sqlite;
using Mitzvah.Testing;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Bench;

/// <summary>
/// A simulated UTC day of send ticks: N subscribers over 24 time zones at quarter-hour send times, each scheduled at
/// its first send moment of the day, then the real <see cref="DailySendService"/> ticking every 15 minutes from
/// 00:00Z to 23:45Z on SQLite or DynamoDB (dynalite), with a loopback messenger of fixed latency. Prints per tick the
/// subscribers due, the items the store returned and the messages sent, with tick wall times; exits 1 unless every
/// subscriber got exactly one message, of its own local date, and no tick scanned the store.
/// </summary>
internal static class TickBenchmark
{
    /// <summary>A Tuesday in Chanukah: the local dates it spans (Monday to Wednesday) are working days in both calendars.</summary>
    private static readonly DateTimeOffset DayStart = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    /// <summary>From UTC-10 to UTC+13 (in December).</summary>
    private static readonly string[] Zones =
    [
        "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
        "America/Sao_Paulo", "Atlantic/Azores", "Europe/London", "Europe/Paris", "Europe/Helsinki", "Asia/Jerusalem",
        "Europe/Moscow", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
        "Asia/Shanghai", "Asia/Tokyo", "Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland", "Pacific/Tongatapu",
    ];

    /// <summary>06:00 to 21:45 local.</summary>
    private const int SendTimes = 64;

    private const int Ticks = 96;

    public static async Task<int> MainAsync(string[] args)
    {
        var settings = TickBenchSettings.Parse(args, out var error);
        if (settings is null)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        var operatorDefaults = new ScheduleOptions();
        var schedule = new SendSchedule(new DeliveryPlanner(StudyCycle.Default, Options.Create(operatorDefaults)), Options.Create(operatorDefaults));
        if (RestDaysInTheDay(schedule, operatorDefaults) is { } restDay)
        {
            await Console.Error.WriteLineAsync($"{restDay} is a rest day; the simulated day must not touch one.");
            return 2;
        }

        var planned = Plan(schedule, operatorDefaults, settings.Subscribers);
        if (settings.Store == "sqlite")
        {
            return await BenchDatabase.RunAsync(async path =>
            {
                var seeding = Stopwatch.StartNew();
                await TickSeeding.SqliteBulkAsync(path, planned);
                seeding.Stop();
                var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
                return await RunAsync(settings, planned, store, seeding.Elapsed, services => services.AddMitzvahSqlite(path));
            });
        }

        using var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("bench", "bench"),
            new AmazonDynamoDBConfig { ServiceURL = Environment.GetEnvironmentVariable(TickBenchSettings.DynamoDbUrlVariable), AuthenticationRegion = "us-east-1" });
        var prefix = "bench" + Guid.NewGuid().ToString("N")[..12];
        var tables = new DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
        await DynamoDbTables.CreateAsync(client, tables);
        try
        {
            var dynamo = new DynamoDbSubscriberStore(client, Options.Create(tables));
            var seeding = Stopwatch.StartNew();
            await TickSeeding.ThroughStoreAsync(dynamo, planned, parallelism: 8);
            seeding.Stop();
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [DynamoDbSettingNames.SubscribersTable] = tables.SubscribersTable,
                [DynamoDbSettingNames.ConsentHistoryTable] = tables.ConsentHistoryTable,
                [DynamoDbSettingNames.DeliveriesTable] = tables.DeliveriesTable,
            }).Build();
            return await RunAsync(settings, planned, dynamo, seeding.Elapsed, services => services.AddSingleton<IAmazonDynamoDB>(client).AddMitzvahDynamoDb(configuration));
        }
        finally
        {
            foreach (var table in new[] { tables.SubscribersTable, tables.ConsentHistoryTable, tables.DeliveriesTable })
            {
                await client.DeleteTableAsync(table);
            }
        }
    }

    /// <summary>The first local date of the day, in any zone's calendar, that does not send; null when all send.</summary>
    private static string? RestDaysInTheDay(SendSchedule schedule, ScheduleOptions operatorDefaults)
    {
        foreach (var zone in Zones)
        {
            var preferences = PreferencesFor(zone, new TimeOnly(6, 0)).Resolve(operatorDefaults);
            var last = SendSchedule.LocalDate(zone, DayStart.AddDays(1));
            for (var date = SendSchedule.LocalDate(zone, DayStart); date <= last; date = date.AddDays(1))
            {
                if (!schedule.Sends(date, preferences))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd} in {zone} ({preferences.Calendar})");
                }
            }
        }

        return null;
    }

    private static DeliveryPreferences PreferencesFor(string zone, TimeOnly sendTime) => new()
    {
        TimeZone = zone,
        SendTime = sendTime,
        Calendar = zone == "Asia/Jerusalem" ? FestivalCalendar.Israel : FestivalCalendar.Diaspora,
    };

    /// <summary>Subscriber i in zone i mod 24 at send time (i div 24) mod 64, due at its first send moment at or after 00:00Z.</summary>
    private static List<PlannedSubscriber> Plan(SendSchedule schedule, ScheduleOptions operatorDefaults, int count)
    {
        var planned = new List<PlannedSubscriber>(count);
        for (var i = 0; i < count; i++)
        {
            var preferences = PreferencesFor(Zones[i % Zones.Length], new TimeOnly(6, 0).AddMinutes(15 * (i / Zones.Length % SendTimes)));
            var effective = preferences.Resolve(operatorDefaults);
            var today = SendSchedule.LocalDate(effective.TimeZone, DayStart);
            var date = schedule.MomentOf(today, effective) >= DayStart ? today : today.AddDays(1);
            planned.Add(new PlannedSubscriber { Phone = TestPhones.Numbered(i + 1), Preferences = preferences, Date = date, Moment = schedule.MomentOf(date, effective) });
        }

        return planned;
    }

    private static async Task<int> RunAsync(
        TickBenchSettings settings, IReadOnlyList<PlannedSubscriber> planned, ISubscriberStore store, TimeSpan seeding, Func<IServiceCollection, IServiceCollection> addStore)
    {
        var counting = new CountingSubscriberStore(store);
        var messenger = new LatencyMessenger(TimeSpan.FromMilliseconds(settings.LatencyMs));

        // "Now" is moved to each tick's instant; a retry's back-off would not wait (its timers fire at once).
        var clock = new ShiftableTimeProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SettingNames.SendConcurrency] = settings.Concurrency.ToString(CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clock);
        addStore(services.AddMitzvahCore(configuration));
        services.Replace(ServiceDescriptor.Singleton<ISubscriberStore>(counting));
        services.AddSingleton<IMessenger>(messenger);
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<DailySendService>();

        var rows = new List<TickRow>(Ticks);
        for (var k = 0; k < Ticks; k++)
        {
            var at = DayStart + (SendSchedule.TickInterval * k);

            // Who is due, read past the counting decorator and outside the timed part.
            var due = await CountDueAsync(store, at);
            var items = counting.DueItems;
            var sent = messenger.Count;
            messenger.Tick = at;
            clock.Shift(at - clock.GetUtcNow());
            var started = Stopwatch.GetTimestamp();
            var summary = await service.RunAsync(new SendRequest(At: at));
            var elapsed = Stopwatch.GetElapsedTime(started);
            rows.Add(new TickRow(at, due, counting.DueItems - items, messenger.Count - sent, summary.Sent, summary.Failed, summary.Missed, elapsed.TotalMilliseconds));
            if (k % 8 == 7)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {at:HH:mm}Z done: {messenger.Count} sent so far"));
            }
        }

        var problems = Verify(planned, messenger, counting, rows);
        Report(settings, store.Kind, seeding, rows, counting, problems);
        return problems.Count == 0 ? 0 : 1;
    }

    private static async Task<long> CountDueAsync(ISubscriberStore store, DateTimeOffset at)
    {
        long due = 0;
        string? token = null;
        do
        {
            var page = await store.ListDueAsync(at, token, 1000);
            due += page.Items.Count;
            token = page.ContinuationToken;
        }
        while (token is not null);
        return due;
    }

    private static List<string> Verify(IReadOnlyList<PlannedSubscriber> planned, LatencyMessenger messenger, CountingSubscriberStore counting, IReadOnlyList<TickRow> rows)
    {
        var problems = new List<string>();
        if (counting.Scans != 0)
        {
            problems.Add($"{counting.Scans} listings or counts of the whole store during the ticks");
        }

        var byPhone = messenger.Sends.GroupBy(send => send.Phone, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.ToList(), StringComparer.Ordinal);
        foreach (var subscriber in planned)
        {
            var sends = byPhone.GetValueOrDefault(subscriber.Phone) ?? [];
            if (sends.Count != 1)
            {
                problems.Add($"{subscriber.Phone} got {sends.Count} messages");
            }

            foreach (var send in sends)
            {
                var local = SendSchedule.LocalDate(subscriber.Preferences.TimeZone!, send.Tick);
                if (send.Date != local || send.Date != subscriber.Date || send.Tick != subscriber.Moment)
                {
                    problems.Add(string.Create(CultureInfo.InvariantCulture, $"{subscriber.Phone} got {send.Date:yyyy-MM-dd} at {send.Tick:u} (local date {local:yyyy-MM-dd}); expected {subscriber.Date:yyyy-MM-dd} at {subscriber.Moment:u}"));
                }
            }
        }

        problems.AddRange(byPhone.Keys.Except(planned.Select(subscriber => subscriber.Phone), StringComparer.Ordinal).Select(phone => $"{phone} is not a subscriber but got a message"));
        foreach (var row in rows.Where(row => row.Returned != row.Due || row.Sent != row.Due || row.SummarySent != row.Sent || row.Failed != 0 || row.Missed != 0))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"tick {row.At:HH:mm}Z: {row.Due} due, {row.Returned} returned, {row.Sent} sent, {row.Failed} failed, {row.Missed} missed"));
        }

        return problems;
    }

    private static void Report(TickBenchSettings settings, string store, TimeSpan seeding, IReadOnlyList<TickRow> rows, CountingSubscriberStore counting, List<string> problems)
    {
        Console.WriteLine("tick     due  returned   sent    ms");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.At:HH:mm}Z {row.Due,6} {row.Returned,9} {row.Sent,6} {row.Milliseconds,8:F1}"));
        }

        var times = rows.Select(row => row.Milliseconds).Order().ToArray();
        var median = (times[(times.Length - 1) / 2] + times[times.Length / 2]) / 2;
        var slowest = rows.MaxBy(row => row.Milliseconds)!;
        var busiest = rows.MaxBy(row => row.Due)!;
        var total = times.Sum();
        var ideal = settings.Subscribers * (settings.LatencyMs / 1000d) / settings.Concurrency;
        Console.WriteLine();
        Print("store", store);
        Print("subscribers", settings.Subscribers);
        Print("latency (ms) / concurrency", $"{settings.LatencyMs} / {settings.Concurrency}");
        Print("seeding (s, not counted)", seeding.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture));
        Print("ticks / with someone due", $"{rows.Count} / {rows.Count(row => row.Due > 0)}");
        Print("due / returned / sent", $"{rows.Sum(row => row.Due)} / {rows.Sum(row => row.Returned)} / {rows.Sum(row => row.Sent)}");
        Print("due-index pages read / reschedules", $"{counting.DueCalls} / {counting.Reschedules}");
        Print("store scans (must be 0)", counting.Scans);
        Print("busiest tick", string.Create(CultureInfo.InvariantCulture, $"{busiest.At:HH:mm}Z, {busiest.Due} due, {busiest.Milliseconds:F1} ms"));
        Print("median tick (ms)", median.ToString("F1", CultureInfo.InvariantCulture));
        Print("slowest tick (ms)", string.Create(CultureInfo.InvariantCulture, $"{slowest.Milliseconds:F1} at {slowest.At:HH:mm}Z ({slowest.Due} due)"));
        Print("total of the ticks (s)", (total / 1000).ToString("F2", CultureInfo.InvariantCulture));
        Print("ideal: N × latency ÷ concurrency (s)", ideal > 0 ? string.Create(CultureInfo.InvariantCulture, $"{ideal:F2} (ratio {total / 1000 / ideal:F2})") : "0 (no latency)");
        Print("messages/s while sending", (rows.Sum(row => row.Sent) / (rows.Where(row => row.Sent > 0).Sum(row => row.Milliseconds) / 1000)).ToString("F1", CultureInfo.InvariantCulture));
        Print("each got exactly one, of its local date", problems.Count == 0 ? "yes" : $"NO ({problems.Count} problems)");
        foreach (var problem in problems.Take(20))
        {
            Console.Error.WriteLine("  " + problem);
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            mode = "ticks",
            store,
            subscribers = settings.Subscribers,
            latencyMs = settings.LatencyMs,
            concurrency = settings.Concurrency,
            day = DayStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ticks = rows.Count,
            seedingSeconds = Math.Round(seeding.TotalSeconds, 2),
            due = rows.Sum(row => row.Due),
            returned = rows.Sum(row => row.Returned),
            sent = rows.Sum(row => row.Sent),
            scans = counting.Scans,
            busiestTickDue = busiest.Due,
            medianTickMs = Math.Round(median, 1),
            slowestTickMs = Math.Round(slowest.Milliseconds, 1),
            slowestTickAt = slowest.At.ToString("HH:mm'Z'", CultureInfo.InvariantCulture),
            totalSeconds = Math.Round(total / 1000, 2),
            idealSeconds = Math.Round(ideal, 2),
            exactlyOnce = problems.Count == 0,
            perTick = rows.Select(row => new { at = row.At.ToString("HH:mm", CultureInfo.InvariantCulture), due = row.Due, returned = row.Returned, sent = row.Sent, ms = Math.Round(row.Milliseconds, 1) }),
        }));
    }

    private static void Print(string name, object value) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name + ":",-42} {value}"));

    /// <summary>One tick: due before it ran, items the store returned to it, messages the messenger took and the summary's counts.</summary>
    private sealed record TickRow(DateTimeOffset At, long Due, long Returned, long Sent, long SummarySent, long Failed, long Missed, double Milliseconds);
}
