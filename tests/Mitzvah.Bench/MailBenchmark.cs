using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Sending;
using Mitzvah.Smtp;
using Mitzvah.Sqlite;
using Mitzvah.Testing;
using Mitzvah.Testing.InMemory;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Bench;

/// <summary>
/// The daily mail at scale over real SMTP: N confirmed email subscribers in SQLite, one send tick through the real
/// <see cref="DailySendService"/> and SMTP adapter (one reused connection, the configured rate) into maildev, then the
/// same tick again. Prints mails per second end to end (ledger, render, SMTP) and the size of a mail as sent; exits 1
/// unless maildev received exactly one mail per subscriber and the rerun sent none.
/// </summary>
internal static class MailBenchmark
{
    /// <summary>A Tuesday in Chanukah, a working day everywhere; every subscriber's moment (00:00 UTC) has come.</summary>
    private static readonly DateTimeOffset At = new(2026, 12, 8, 6, 0, 0, TimeSpan.Zero);

    public static async Task<int> MainAsync(string[] args)
    {
        var subscribers = Option(args, "--subscribers", 2000);
        var rate = Option(args, "--rate", 1000);
        if (subscribers is < 1 or > 100_000 || rate is < 1 or > 10_000)
        {
            await Console.Error.WriteLineAsync("usage: mail [--subscribers 1-100000] [--rate mails-per-second 1-10000]");
            return 2;
        }

        var maildev = new MaildevFixture();
        await maildev.InitializeAsync();
        try
        {
            return await BenchDatabase.RunAsync(path => RunAsync(path, maildev, subscribers, rate));
        }
        finally
        {
            await maildev.DisposeAsync();
        }
    }

    private static async Task<int> RunAsync(string path, MaildevFixture maildev, int count, int rate)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>(maildev.HostSettings())
        {
            [SmtpSettingNames.MailRatePerSecond] = rate.ToString(CultureInfo.InvariantCulture),
            [SettingNames.MailLinkSecret] = "bench-mail-link-secret-0123456789abcdef",
            [SettingNames.PublicConsentUrl] = "https://mitzvah.example.org/api/consent",
            [SettingNames.TimeZone] = "UTC",
            [SettingNames.SendTime] = "00:00",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var clock = new ShiftableTimeProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(clock);
        services.AddMitzvahCore(configuration).AddMitzvahSmtp(configuration).AddMitzvahSqlite(path);
        services.AddSingleton<IMessenger>(new InMemoryMessenger());
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ISubscriberStore>();

        // Confirmed email-only subscribers, due from the start of the day.
        clock.Shift(At.AddHours(-6) - clock.GetUtcNow());
        var seeding = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var key = AddressKey.ForEmail(Address(run, i));
            await store.RecordConsentAsync(new ConsentChange(key, ConsentStatus.Pending, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.7"), clock.GetUtcNow()), token);
            await store.RecordConsentAsync(new ConsentChange(key, ConsentStatus.OptedIn, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.7"), clock.GetUtcNow()), token);
        });
        seeding.Stop();

        clock.Shift(At - clock.GetUtcNow());
        var service = provider.GetRequiredService<DailySendService>();
        var started = Stopwatch.GetTimestamp();
        var first = await service.RunAsync(new SendRequest(At: At));
        var elapsed = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        var rerun = await service.RunAsync(new SendRequest(Date: first.StudyDate));
        var rerunElapsed = Stopwatch.GetElapsedTime(started);

        var received = await maildev.WaitForMailsAsync(mail => mail.GetProperty("to")[0].GetProperty("address").GetString()!.EndsWith($"-{run}@bench.example.org", StringComparison.Ordinal), count);
        var distinct = received.Select(mail => mail.GetProperty("to")[0].GetProperty("address").GetString()).Distinct().Count();
        var source = await maildev.SourceAsync(received[0].GetProperty("id").GetString()!);
        var html = received[0].GetProperty("html").GetString() ?? string.Empty;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mail benchmark: {count} email subscribers (SQLite), SMTP to maildev at MAIL_RATE_PER_SECOND={rate}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeding        {seeding.Elapsed.TotalSeconds,8:0.00} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  tick           {elapsed.TotalSeconds,8:0.00} s   {first.MailSent} mails sent, {first.MailSent / elapsed.TotalSeconds:0.0} mails/s end to end"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  date rerun     {rerunElapsed.TotalSeconds,8:0.00} s   {rerun.MailSent} mails sent ({count} found in the ledger)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  maildev        {received.Count} mails, {distinct} addresses; one mail as sent {source.Length:N0} B (HTML part {System.Text.Encoding.UTF8.GetByteCount(html):N0} B)"));
        var ok = first.MailSent == count && rerun.MailSent == 0 && received.Count == count && distinct == count;
        Console.WriteLine(ok ? "  OK: one mail per subscriber, none on the rerun" : "  FAILED: not exactly one mail per subscriber");
        return ok ? 0 : 1;
    }

    private static string Address(string run, int i) => string.Create(CultureInfo.InvariantCulture, $"reader{i:D6}-{run}@bench.example.org");

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
