using System.Globalization;
using System.Text.Json;
using Mitzvah.Core.Delivery;
using Mitzvah.Sqlite;

namespace Mitzvah.Cli.Tests;

/// <summary><c>mitzvah report</c> over the SQLite ledger, after a real <c>send</c> and recorded statuses.</summary>
public sealed class ReportCommandTests : IDisposable
{
    private const string SendDay = "2026-11-25";
    private static readonly DateOnly Day = DateOnly.Parse(SendDay, CultureInfo.InvariantCulture);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mitzvah-report-{Guid.NewGuid():N}");

    private string Db => Path.Combine(_directory, "mitzvah.db");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_json_report_counts_the_statuses_the_ledger_recorded()
    {
        await SendToAsync("+14155552671", "+14155552672", "+14155552673", "+14155552674");
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = Db });
        await RecordAsync(ledger, "+14155552671", DeliveryStatus.Read);
        await RecordAsync(ledger, "+14155552672", DeliveryStatus.Delivered);
        await RecordAsync(ledger, "+14155552673", DeliveryStatus.Undelivered, "63049");

        var run = await RunAsync("report", "--date", SendDay, "--json");

        Assert.Equal(0, run.ExitCode);
        var report = JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement;
        Assert.Equal(SendDay, report.GetProperty("date").GetString());
        Assert.Equal(4, report.GetProperty("accepted").GetInt32());
        Assert.Equal(2, report.GetProperty("delivered").GetInt32());
        Assert.Equal(1, report.GetProperty("read").GetInt32());
        Assert.Equal(1, report.GetProperty("failed").GetInt32());
        Assert.Equal(1, report.GetProperty("pending").GetInt32());
        Assert.Equal(1, report.GetProperty("errors").GetProperty("63049").GetInt32());
        Assert.Equal(1, report.GetProperty("marketingNotDeliveredByCountry").GetProperty("+1").GetInt32());
    }

    [Fact]
    public async Task Without_json_the_report_is_a_table_with_what_to_do_about_templates_meta_did_not_deliver()
    {
        await SendToAsync("+14155552671", "+14155552672");
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = Db });
        await RecordAsync(ledger, "+14155552671", DeliveryStatus.Delivered);
        await RecordAsync(ledger, "+14155552672", DeliveryStatus.Failed, "63049");

        var run = await RunAsync("report", "--date", SendDay);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith($"Delivery report for {SendDay}", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"delivered\s+1\s+50% of accepted", run.Stdout);
        Assert.Matches(@"error 63049\s+1", run.Stdout);
        Assert.Contains("another channel", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("4155552672", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_outside_the_cycle_is_a_usage_error()
    {
        var run = await RunAsync("report", "--date", "1980-01-01");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("mitzvah: ", run.Stderr, StringComparison.Ordinal);
    }

    private static async Task RecordAsync(SqliteDeliveryLedger ledger, string phone, DeliveryStatus status, string? errorCode = null)
    {
        var record = await ledger.GetAsync(Day, phone);
        Assert.True(await ledger.RecordStatusAsync(Day, phone, record!.MessageId!, status, errorCode, DateTimeOffset.UtcNow));
    }

    private async Task SendToAsync(params string[] phones)
    {
        foreach (var phone in phones)
        {
            Assert.Equal(0, (await RunAsync("subscribers", "add", phone)).ExitCode);
        }

        Assert.Equal(0, (await RunAsync("send", "--date", SendDay, "--outbox", Path.Combine(_directory, "outbox"))).ExitCode);
    }

    private Task<CliRun> RunAsync(params string[] args) => CliRun.RunAsync([.. args, "--db", Db]);
}
