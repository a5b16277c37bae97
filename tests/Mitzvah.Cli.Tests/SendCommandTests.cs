using System.Text.Json;

namespace Mitzvah.Cli.Tests;

/// <summary><c>mitzvah send</c> on the embedded defaults: the SQLite store, the ledger and the outbox.</summary>
public sealed class SendCommandTests : IDisposable
{
    private const string SendDay = "2026-11-25";
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

        var summary = await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Core.Sending.DailySendService>(services)
            .RunAsync(new Core.Sending.SendRequest(DateOnly.Parse(SendDay, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal("RECIPIENTS", summary.Recipients);
        Assert.Equal(2, summary.Sent);
        Assert.Equal(2, OutboxFiles(SendDay).Length);
    }

    [Theory]
    [InlineData("--to", "555", "--to: '555' is not a phone number")]
    [InlineData("--date", "25/11/2026", "--date: '25/11/2026' is not a date")]
    [InlineData("--date", "1900-01-01", "1984-04-29")]
    [InlineData("--concurrency", "0", "MITZVAH_SEND_CONCURRENCY must be between 1 and 256")]
    [InlineData("--concurrency", "many", "Cannot parse argument 'many'")]
    public async Task Bad_input_is_one_line_on_stderr_and_exit_code_2(string option, string value, string expected)
    {
        var run = await SendAsync(option, value);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
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
