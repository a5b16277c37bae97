using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Sqlite;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Cli.Tests;

/// <summary><c>mitzvah send</c> on the embedded defaults: the SQLite store, the ledger and the outbox.</summary>
public sealed class SendCommandTests : IDisposable
{
    private const string SendDay = "2026-11-25";
    private static readonly DateOnly Day = DateOnly.Parse(SendDay, CultureInfo.InvariantCulture);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mitzvah-send-{Guid.NewGuid():N}");

    private string Db => Path.Combine(_directory, "mitzvah.db");

    private string Outbox => Path.Combine(_directory, "outbox");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Every_subscriber_gets_one_file_and_a_rerun_sends_nothing_more()
    {
        await AddAsync("+14155552671", "+14155552672", "+14155552673");
        await RunAsync("subscribers", "remove", "+14155552673");

        var first = await SendAsync("--date", SendDay);
        var second = await SendAsync("--date", SendDay);

        Assert.Equal(0, first.ExitCode);
        var summary = Summary(first);
        Assert.Equal(SendDay, summary.GetProperty("studyDate").GetString());
        Assert.True(summary.GetProperty("send").GetBoolean());
        Assert.Equal(2, summary.GetProperty("eligible").GetInt32());
        Assert.Equal(2, summary.GetProperty("sent").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal("outbox", summary.GetProperty("messenger").GetString());
        Assert.Contains(Outbox, first.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal(0, Summary(second).GetProperty("sent").GetInt32());
        Assert.Equal(2, Summary(second).GetProperty("alreadySent").GetInt32());

        var files = OutboxFiles(SendDay);
        Assert.Equal(["+14155552671", "+14155552672"], files.Select(f => Path.GetFileName(f).Split('_')[0]).Order(StringComparer.Ordinal));
        var text = await File.ReadAllTextAsync(files[0]);
        Assert.StartsWith("To: whatsapp:+1415555267", text, StringComparison.Ordinal);
        Assert.Contains("Positive Commandment 142", text, StringComparison.Ordinal);
        Assert.EndsWith("Reply STOP to unsubscribe.\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_an_empty_database_the_run_says_how_to_add_a_subscriber_and_the_summary_stays_last()
    {
        var empty = await SendAsync("--date", SendDay);
        await AddAsync("+14155552671");
        await RunAsync("subscribers", "remove", "+14155552671");
        var nobodyIn = await SendAsync("--date", SendDay);
        await AddAsync("+14155552671");
        var served = await SendAsync("--date", SendDay);

        Assert.Equal(0, empty.ExitCode);
        Assert.Equal(0, Summary(empty).GetProperty("eligible").GetInt32());
        Assert.Single(empty.StdoutLines);
        Assert.Contains("No subscribers yet: add one with 'mitzvah subscribers add +14155552671'", empty.Stderr, StringComparison.Ordinal);
        Assert.Contains("No subscriber is opted in (1 opted out or invalid): add one with 'mitzvah subscribers add +14155552671'", nobodyIn.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, Summary(served).GetProperty("sent").GetInt32());
        Assert.DoesNotContain("subscribers add", served.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_rest_day_nothing_is_sent_and_the_summary_says_why()
    {
        await AddAsync("+14155552671");

        var run = await SendAsync("--date", "2026-11-28");

        Assert.Equal(0, run.ExitCode);
        var summary = Summary(run);
        Assert.False(summary.GetProperty("send").GetBoolean());
        Assert.Equal("rest-day", summary.GetProperty("reason").GetString());
        Assert.Equal(0, summary.GetProperty("sent").GetInt32());
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task A_test_send_reaches_only_that_number_and_leaves_the_daily_run_untouched()
    {
        await AddAsync("+14155552671", "+14155552672");

        var test = await SendAsync("--date", SendDay, "--to", "+1 (415) 555-2671");
        var daily = await SendAsync("--date", SendDay);

        Assert.Equal(0, test.ExitCode);
        Assert.Equal("test-recipient", Summary(test).GetProperty("recipients").GetString());
        Assert.Equal("+1415***2671", Summary(test).GetProperty("testRecipient").GetString());
        Assert.Equal(2, Summary(daily).GetProperty("sent").GetInt32());
        Assert.Equal(3, OutboxFiles(SendDay).Length);
        Assert.Equal(2, OutboxFiles(SendDay).Count(f => Path.GetFileName(f).StartsWith("+14155552671_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_dry_run_counts_recipients_and_writes_nothing()
    {
        await AddAsync("+14155552671", "+14155552672");

        var dry = await SendAsync("--date", SendDay, "--dry-run");
        var real = await SendAsync("--date", SendDay);

        Assert.Equal(2, Summary(dry).GetProperty("eligible").GetInt32());
        Assert.Equal(0, Summary(dry).GetProperty("sent").GetInt32());
        Assert.True(Summary(dry).GetProperty("dryRun").GetBoolean());
        Assert.Equal(2, Summary(real).GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Recipients_setting_replaces_the_store()
    {
        var configuration = CliServices.Configuration(new Dictionary<string, string?> { ["RECIPIENTS"] = "+14155552674, whatsapp:+14155552675,+14155552674" });
        await using var services = CliServices.Build(configuration, Db, TextWriter.Null, Outbox);

        var summary = await services.GetRequiredService<DailySendService>().RunAsync(new SendRequest(Day));

        Assert.Equal("RECIPIENTS", summary.Recipients);
        Assert.Equal(2, summary.Sent);
        Assert.Equal(2, OutboxFiles(SendDay).Length);
    }

    [Fact]
    public async Task A_ledger_failure_for_one_recipient_leaves_the_others_served_and_a_rerun_serves_it()
    {
        await AddAsync("+14155552671", "+14155552672", "+14155552673");
        var services = new ServiceCollection().AddMitzvahCli(CliServices.Configuration(), Db, TextWriter.Null, Outbox);
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = Db });
        services.AddSingleton<IDeliveryLedger>(new LedgerUnreachableFor(ledger, "+14155552672"));
        await using (var broken = services.BuildServiceProvider())
        {
            var first = await broken.GetRequiredService<DailySendService>().RunAsync(new SendRequest(Day));

            Assert.Equal(3, first.Eligible);
            Assert.Equal(2, first.Sent);
            Assert.Equal(1, first.Failed);
        }

        var rerun = Summary(await SendAsync("--date", SendDay));

        Assert.Equal(1, rerun.GetProperty("sent").GetInt32());
        Assert.Equal(2, rerun.GetProperty("alreadySent").GetInt32());
        Assert.Equal(3, OutboxFiles(SendDay).Length);
    }

    [Fact]
    public async Task Malformed_Twilio_settings_stop_the_send_before_anything_is_written()
    {
        await AddAsync("+14155552671");
        var configuration = CliServices.Configuration(new Dictionary<string, string?>
        {
            ["TWILIO_ACCOUNT_SID"] = "not-a-sid",
            ["TWILIO_AUTH_TOKEN"] = "secret-token-value",
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
        });

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            using var services = CliServices.Build(configuration, Db, TextWriter.Null, Outbox);
            services.GetRequiredService<DailySendService>();
        });

        Assert.Contains("TWILIO_ACCOUNT_SID must be the account SID", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-value", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Theory]
    [InlineData("--to", "555", "--to: '555' is not a phone number")]
    [InlineData("--date", "25/11/2026", "--date: '25/11/2026' is not a date")]
    [InlineData("--date", "1900-01-01", "1984-04-29")]
    [InlineData("--concurrency", "0", "MITZVAH_SEND_CONCURRENCY must be between 1 and 256")]
    [InlineData("--concurrency", "many", "Cannot parse argument 'many'")]
    [InlineData("--at", "2026-12-04T12:00:00", "--at: '2026-12-04T12:00:00' is not an instant with its offset")]
    [InlineData("--at", "tomorrow", "--at: 'tomorrow' is not an instant")]
    public async Task Bad_input_is_one_line_on_stderr_and_exit_code_2(string option, string value, string expected)
    {
        var run = await SendAsync(option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task At_and_date_together_are_refused_and_nothing_is_sent()
    {
        await AddAsync("+14155552671");

        var run = await SendAsync("--date", SendDay, "--at", "2026-12-04T12:00:00Z");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--date and --at do not go together", run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task Ticks_every_15_minutes_through_a_friday_and_a_shabbat_send_each_subscriber_at_their_own_time_and_nothing_on_their_shabbat()
    {
        // Helsinki at 14:00, London at the default 10:00, Jerusalem by its number (zone and Israeli calendar).
        Assert.Equal(0, (await RunAsync("subscribers", "add", "+358401234567", "--zone", "Europe/Helsinki", "--time", "14:00")).ExitCode);
        await AddAsync("+447911123456", "+972587654321");
        var now = DateTimeOffset.UtcNow;
        var friday = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1);
        while (friday.DayOfWeek != DayOfWeek.Friday)
        {
            friday = friday.AddDays(1);
        }

        var start = new DateTimeOffset(friday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        // Which tick wrote each message: (phone, study date) → tick.
        var written = new Dictionary<(string Phone, DateOnly Date), DateTimeOffset>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var at = start; at < start.AddDays(2); at += TimeSpan.FromMinutes(15))
        {
            var tick = await SendAsync("--at", at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            Assert.Equal(0, tick.ExitCode);
            Assert.Equal(at, Summary(tick).GetProperty("tickAt").GetDateTimeOffset());
            foreach (var file in Directory.Exists(Outbox) ? Directory.GetFiles(Outbox, "*.txt", SearchOption.AllDirectories) : [])
            {
                if (seen.Add(file))
                {
                    var date = DateOnly.ParseExact(Path.GetFileName(Path.GetDirectoryName(file))!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                    Assert.True(written.TryAdd((Path.GetFileName(file).Split('_')[0], date), at), $"A second message for {file}.");
                }
            }
        }

        await using var services = CliServices.Build(CliServices.Configuration(), Db, TextWriter.Null, Outbox);
        var schedule = services.GetRequiredService<SendSchedule>();
        var planner = services.GetRequiredService<DeliveryPlanner>();
        var store = services.GetRequiredService<Core.Consent.ISubscriberStore>();
        foreach (var phone in new[] { "+358401234567", "+447911123456", "+972587654321" })
        {
            var preferences = schedule.PreferencesOf((await store.GetAsync(phone))!);
            foreach (var ((_, date), tick) in written.Where(pair => pair.Key.Phone == phone))
            {
                // Only on a send day of its own calendar, at the first tick from its moment, before candle lighting.
                Assert.True(planner.Plan(date, preferences.Calendar).Send, $"{phone} got a message for {date}, a rest day for it.");
                var moment = schedule.MomentOf(date, preferences);
                Assert.Equal(moment <= start ? start : moment, tick);
                Assert.True(tick < schedule.LatestFor(date, preferences), $"{phone}'s message of {date} went out after its window.");
                Assert.Equal(date, SendSchedule.LocalDate(preferences.TimeZone, tick));
            }

            // Whatever the calendar says about this Friday, a subscriber for whom it sends got it, once.
            Assert.Equal(schedule.Sends(friday, preferences), written.ContainsKey((phone, friday)));
        }

        var jerusalem = schedule.PreferencesOf((await store.GetAsync("+972587654321"))!);
        Assert.Equal(("Asia/Jerusalem", Core.Calendar.FestivalCalendar.Israel), (jerusalem.TimeZone, jerusalem.Calendar));
    }

    private async Task AddAsync(params string[] phones)
    {
        foreach (var phone in phones)
        {
            Assert.Equal(0, (await RunAsync("subscribers", "add", phone)).ExitCode);
        }
    }

    private Task<CliRun> SendAsync(params string[] args) => RunAsync(["send", .. args, "--outbox", Outbox]);

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--db", Db]);

    private static JsonElement Summary(CliRun run) => JsonDocument.Parse(run.StdoutLines[^1]).RootElement;

    private string[] OutboxFiles(string date)
    {
        var folder = Path.Combine(Outbox, date);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.txt") : [];
    }
}
