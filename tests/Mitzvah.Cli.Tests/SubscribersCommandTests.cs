using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.Sqlite;

namespace Mitzvah.Cli.Tests;

public sealed class SubscribersCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mitzvah-cli-").FullName;

    private string Db => Path.Combine(_directory, "nested", "subscribers.db");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<CliRun> Run(params string[] args) => CliRun.RunAsync([.. args, "--db", Db]);

    [Fact]
    public async Task Add_normalises_the_number_and_list_shows_it()
    {
        var add = await Run("subscribers", "add", "(415) 555-2671");
        var list = await Run("subscribers", "list", "--json");

        Assert.Equal(0, add.ExitCode);
        Assert.Equal("+14155552671 is now opted_in.\n", add.Stdout);
        var row = JsonDocument.Parse(list.StdoutLines.Single()).RootElement;
        Assert.Equal("+14155552671", row.GetProperty("phone").GetString());
        Assert.Equal("opted_in", row.GetProperty("status").GetString());
        Assert.Equal("admin", row.GetProperty("source").GetString());
        Assert.True(DateTimeOffset.TryParse(row.GetProperty("updatedAt").GetString(), out _));
    }

    [Fact]
    public async Task List_json_carries_each_subscribers_delivery_preferences_with_the_operators_defaults_filled_in()
    {
        await Run("subscribers", "add", "+14155552671");
        await Run("subscribers", "add", "+972587654321");
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = Db });
        var preferences = new DeliveryPreferences
        {
            TimeZone = "Asia/Jerusalem",
            SendTime = new TimeOnly(7, 30),
            Calendar = Core.Calendar.FestivalCalendar.Israel,
            PausedUntil = new DateOnly(2027, 1, 10),
        };
        await store.SetPreferencesAsync(new PreferenceChange(
            "+972587654321", preferences, ConsentSource.Admin, new ConsentEvidence(Actor: "test"), DateTimeOffset.UtcNow));

        var list = await Run("subscribers", "list", "--json");

        var rows = list.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(row => row.GetProperty("phone").GetString()!);
        var chosen = rows["+972587654321"];
        Assert.Equal("Asia/Jerusalem", chosen.GetProperty("zone").GetString());
        Assert.Equal("07:30", chosen.GetProperty("sendTime").GetString());
        Assert.Equal("israel", chosen.GetProperty("calendar").GetString());
        Assert.Equal("2027-01-10", chosen.GetProperty("pausedUntil").GetString());
        // Joined in the zone of its number (a 415 number is in Los Angeles), at the operator's send time.
        var defaults = rows["+14155552671"];
        Assert.Equal("America/Los_Angeles", defaults.GetProperty("zone").GetString());
        Assert.Equal("10:00", defaults.GetProperty("sendTime").GetString());
        Assert.Equal("diaspora", defaults.GetProperty("calendar").GetString());
        Assert.Equal(JsonValueKind.Null, defaults.GetProperty("pausedUntil").ValueKind);
    }

    [Fact]
    public async Task Add_gives_a_new_number_its_join_defaults_and_each_option_replaces_one_of_them()
    {
        var plain = await Run("subscribers", "add", "+972531234567");
        var chosen = await Run("subscribers", "add", "+972587654321", "--time", "07:15", "--calendar", "diaspora");

        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(0, chosen.ExitCode);
        var rows = (await Run("subscribers", "list", "--json")).StdoutLines
            .Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(row => row.GetProperty("phone").GetString()!);
        Assert.Equal("Asia/Jerusalem", rows["+972531234567"].GetProperty("zone").GetString());
        Assert.Equal("israel", rows["+972531234567"].GetProperty("calendar").GetString());
        Assert.Equal("10:00", rows["+972531234567"].GetProperty("sendTime").GetString());
        Assert.Equal("Asia/Jerusalem", rows["+972587654321"].GetProperty("zone").GetString());
        Assert.Equal("diaspora", rows["+972587654321"].GetProperty("calendar").GetString());
        Assert.Equal("07:15", rows["+972587654321"].GetProperty("sendTime").GetString());

        // The choices came with the consent: one history entry, no separate preference change.
        Assert.Single((await Run("subscribers", "history", "+972587654321", "--json")).StdoutLines);
    }

    [Fact]
    public async Task Set_changes_only_the_preferences_given_and_resume_ends_a_pause()
    {
        await Run("subscribers", "add", "+14155552671", "--zone", "Europe/London", "--time", "07:30");

        var set = await Run("subscribers", "set", "+14155552671", "--calendar", "israel", "--pause-until", "2027-01-10");
        var paused = Row(await Run("subscribers", "list", "--json"));
        var resume = await Run("subscribers", "set", "+14155552671", "--resume");
        var resumed = Row(await Run("subscribers", "list", "--json"));
        var history = await Run("subscribers", "history", "+14155552671", "--json");

        Assert.Equal(0, set.ExitCode);
        Assert.Equal("+14155552671: Europe/London, at 07:30, israel calendar, paused until 2027-01-10.\n", set.Stdout);
        Assert.Equal("Europe/London", paused.GetProperty("zone").GetString());
        Assert.Equal("07:30", paused.GetProperty("sendTime").GetString());
        Assert.Equal("israel", paused.GetProperty("calendar").GetString());
        Assert.Equal("2027-01-10", paused.GetProperty("pausedUntil").GetString());
        Assert.Equal(0, resume.ExitCode);
        Assert.Equal(JsonValueKind.Null, resumed.GetProperty("pausedUntil").ValueKind);
        Assert.Equal("opted_in", resumed.GetProperty("status").GetString());

        // The add carried its choices with the consent; set and resume are one preference change each.
        var entries = history.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal([1L, 2L, 3L], entries.Select(entry => entry.GetProperty("version").GetInt64()));
        Assert.False(entries[0].GetProperty("evidence").TryGetProperty("preferences", out _));
        Assert.Equal(
            "zone=Europe/London; time=07:30; calendar=israel; paused_until=none",
            entries[2].GetProperty("evidence").GetProperty("preferences").GetString());
    }

    [Theory]
    [InlineData("--zone", "Mars/Olympus")]
    [InlineData("--time", "07:10")]
    [InlineData("--time", "seven")]
    [InlineData("--calendar", "lunar")]
    [InlineData("--pause-until", "next week")]
    [InlineData("--pause-until", "2027-01-10", "--resume")]
    [InlineData]
    public async Task Set_with_a_bad_or_missing_value_is_one_line_on_stderr_and_writes_nothing(params string[] options)
    {
        await Run("subscribers", "add", "+14155552671");
        var before = (await Run("subscribers", "list", "--json")).Stdout;

        var run = await Run(["subscribers", "set", "+14155552671", .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.StartsWith("mitzvah: ", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal(before, (await Run("subscribers", "list", "--json")).Stdout);
    }

    [Fact]
    public async Task Set_of_a_number_that_is_not_a_subscriber_says_to_add_it()
    {
        var run = await Run("subscribers", "set", "+14155552679", "--zone", "Europe/London");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("mitzvah subscribers add +14155552679", run.Stderr, StringComparison.Ordinal);
        Assert.Empty((await Run("subscribers", "list", "--json")).StdoutLines);
    }

    [Fact]
    public async Task Add_with_a_bad_zone_subscribes_nobody()
    {
        var run = await Run("subscribers", "add", "+14155552671", "--zone", "Europe/Atlantis");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty((await Run("subscribers", "list", "--json")).StdoutLines);
    }

    private static JsonElement Row(CliRun list) => JsonDocument.Parse(list.StdoutLines.Single()).RootElement.Clone();

    [Fact]
    public async Task List_shows_pending_and_unreachable_numbers_once_with_their_fields()
    {
        await Run("subscribers", "add", "+14155552671");
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = Db });
        var now = DateTimeOffset.UtcNow;
        await store.RecordConsentAsync(new ConsentChange("+14155552672", ConsentStatus.Pending, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.7"), now));
        await store.RecordConsentAsync(new ConsentChange("+14155552673", ConsentStatus.Pending, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.7"), now.AddDays(-4)));
        await store.RecordReachabilityAsync(new ReachabilityChange
        {
            Phone = "+14155552671", Unreachable = true, ErrorCode = "63024", Actor = "delivery-status", Note = "3 days", At = now,
        });

        var json = await Run("subscribers", "list", "--json");
        var text = await Run("subscribers", "list");

        var rows = json.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToDictionary(row => row.GetProperty("phone").GetString()!);
        Assert.Equal(3, json.StdoutLines.Length);
        Assert.Equal("pending", rows["+14155552672"].GetProperty("status").GetString());
        Assert.False(rows["+14155552672"].GetProperty("pendingExpired").GetBoolean());
        Assert.True(DateTimeOffset.TryParse(rows["+14155552672"].GetProperty("pendingExpiresAt").GetString(), out _));
        Assert.True(rows["+14155552673"].GetProperty("pendingExpired").GetBoolean());
        Assert.Equal("opted_in", rows["+14155552671"].GetProperty("status").GetString());
        Assert.True(rows["+14155552671"].GetProperty("unreachable").GetBoolean());
        Assert.Equal("63024", rows["+14155552671"].GetProperty("unreachableErrorCode").GetString());
        Assert.False(rows["+14155552672"].GetProperty("unreachable").GetBoolean());
        Assert.Contains(text.StdoutLines, line => line.StartsWith("+14155552671", StringComparison.Ordinal) && line.Contains("unreachable since", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, line => line.StartsWith("+14155552672", StringComparison.Ordinal) && line.Contains("awaiting confirmation", StringComparison.Ordinal));
        Assert.Contains(text.StdoutLines, line => line.StartsWith("+14155552673", StringComparison.Ordinal) && line.Contains("request expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Adding_twice_changes_nothing_the_second_time()
    {
        await Run("subscribers", "add", "+14155552671");
        var again = await Run("subscribers", "add", "+14155552671");
        var history = await Run("subscribers", "history", "+14155552671", "--json");

        Assert.Contains("already opted_in; nothing changed", again.Stdout, StringComparison.Ordinal);
        Assert.Single(history.StdoutLines);
    }

    [Fact]
    public async Task Remove_then_history_shows_both_changes_with_evidence()
    {
        await Run("subscribers", "add", "+14155552671");
        var remove = await Run("subscribers", "remove", "+14155552671");
        var history = await Run("subscribers", "history", "+14155552671", "--json");

        Assert.Equal("+14155552671 is now opted_out.\n", remove.Stdout);
        var entries = history.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["opted_in", "opted_out"], entries.Select(entry => entry.GetProperty("status").GetString()));
        Assert.Equal([1, 2], entries.Select(entry => entry.GetProperty("version").GetInt32()));
        Assert.StartsWith("cli:", entries[1].GetProperty("evidence").GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_number_is_a_usage_error_and_writes_nothing()
    {
        var add = await Run("subscribers", "add", "12345");
        var list = await Run("subscribers", "list");

        Assert.Equal(2, add.ExitCode);
        Assert.Contains("'12345' is not a valid phone number", add.Stderr, StringComparison.Ordinal);
        Assert.Empty(list.StdoutLines);
    }

    [Theory]
    [InlineData("dina@example", "", "not an email address")]
    [InlineData("dina@example.org", "--channel=fallback", "--channel is both or fallback, and goes with --phone.")]
    [InlineData("dina@example.org", "--channel=pigeon", "'pigeon' is not a channel")]
    public async Task Add_email_with_a_bad_address_or_channel_is_a_usage_error_and_writes_nothing(string address, string option, string message)
    {
        var add = await Run(["subscribers", "add-email", address, .. option.Length == 0 ? Array.Empty<string>() : [option]]);
        var list = await Run("subscribers", "list");

        Assert.Equal(2, add.ExitCode);
        Assert.Contains(message, add.Stderr, StringComparison.Ordinal);
        Assert.Empty(list.StdoutLines);
    }

    [Fact]
    public async Task Add_email_to_a_number_that_is_not_subscribed_fails_and_writes_nothing()
    {
        var add = await Run("subscribers", "add-email", "dina@example.org", "--phone", "+14155552671");
        var list = await Run("subscribers", "list");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("+14155552671 is not subscribed", add.Stderr, StringComparison.Ordinal);
        Assert.Empty(list.StdoutLines);
    }

    [Fact]
    public async Task Import_keeps_good_rows_and_reports_bad_ones_by_line()
    {
        var file = Path.Combine(_directory, "numbers.txt");
        await File.WriteAllLinesAsync(file, ["# moved from RECIPIENTS", "+14155552671", "", "not a phone", "+1 212 555 0123", "+14155552671", "999"]);

        var import = await Run("subscribers", "import", file);
        var list = await Run("subscribers", "list", "--json");

        Assert.Equal(1, import.ExitCode);
        Assert.Equal(["line 4: 'not a phone' is not a valid phone number", "line 7: '999' is not a valid phone number"], import.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Imported 2 numbers: 2 subscribed", import.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, list.StdoutLines.Length);
    }

    [Fact]
    public async Task Import_reads_the_phone_column_of_a_csv()
    {
        var file = Path.Combine(_directory, "numbers.csv");
        await File.WriteAllLinesAsync(file, ["name,phone,city", "Dina,+14155552671,SF", "\"Levi\",\"+12125550123\",NYC", "Bad,,X"]);

        var import = await Run("subscribers", "import", file);

        Assert.Contains("Imported 2 numbers: 2 subscribed", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("line 4: '' is not a valid phone number", import.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reads_quoted_csv_fields_that_contain_commas()
    {
        var file = Path.Combine(_directory, "quoted.csv");
        await File.WriteAllLinesAsync(file, ["name,phone", "\"Cohen, Dina\",+14155552671", "\"Levi \"\"Yossi\"\", Jr\",\"(212) 555-0123\""]);

        var import = await Run("subscribers", "import", file);

        Assert.Equal(0, import.ExitCode);
        Assert.Equal(string.Empty, import.Stderr);
        Assert.Contains("Imported 2 numbers: 2 subscribed", import.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_reads_quoted_fields_that_span_lines_and_reports_later_rows_by_their_own_line()
    {
        var file = Path.Combine(_directory, "multiline.csv");
        await File.WriteAllTextAsync(file, "name,phone,note\n\"Dina\nCohen\",+14155552671,\"first line\nsecond, with comma\"\nLevi,+12125550123,\nBad,12,\"x\"\n");

        var import = await Run("subscribers", "import", file);
        var list = await Run("subscribers", "list", "--json");

        Assert.Equal(1, import.ExitCode);
        Assert.Equal(["line 6: '12' is not a valid phone number"], import.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Imported 2 numbers: 2 subscribed", import.Stdout, StringComparison.Ordinal);
        Assert.Equal(["+12125550123", "+14155552671"], list.StdoutLines.Select(line => JsonDocument.Parse(line).RootElement.GetProperty("phone").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Import_skips_numbers_whose_owner_said_stop_unless_forced()
    {
        await RecordOwnerStopAsync("+14155552671");
        var file = Path.Combine(_directory, "numbers.txt");
        await File.WriteAllLinesAsync(file, ["+14155552671", "+14155552672"]);

        var import = await Run("subscribers", "import", file);
        var stillOut = await Run("subscribers", "history", "+14155552671", "--json");
        var forced = await Run("subscribers", "import", file, "--force");
        var history = await Run("subscribers", "history", "+14155552671", "--json");

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("Imported 2 numbers: 1 subscribed, 0 already subscribed, 1 skipped because they unsubscribed themselves", import.Stdout, StringComparison.Ordinal);
        Assert.Single(stillOut.StdoutLines);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("Imported 2 numbers: 1 subscribed, 1 already subscribed, 0 skipped", forced.Stdout, StringComparison.Ordinal);
        var latest = JsonDocument.Parse(history.StdoutLines[^1]).RootElement;
        Assert.Equal("opted_in", latest.GetProperty("status").GetString());
        Assert.Equal("admin", latest.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Several_columns_without_a_phone_header_are_reported_not_guessed()
    {
        var file = Path.Combine(_directory, "headerless.csv");
        await File.WriteAllLinesAsync(file, ["Dina,+14155552671"]);

        var import = await Run("subscribers", "import", file);
        var list = await Run("subscribers", "list");

        Assert.Equal(1, import.ExitCode);
        Assert.Contains("line 1: has several columns but the file has no header with a 'phone' column", import.Stderr, StringComparison.Ordinal);
        Assert.Empty(list.StdoutLines);
    }

    [Fact]
    public async Task Import_of_a_missing_file_is_a_usage_error()
    {
        var import = await Run("subscribers", "import", Path.Combine(_directory, "absent.txt"));

        Assert.Equal(2, import.ExitCode);
        Assert.Contains("does not exist", import.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_cannot_resubscribe_someone_who_said_stop_without_force()
    {
        await RecordOwnerStopAsync("+14155552671");

        var add = await Run("subscribers", "add", "+14155552671");
        var forced = await Run("subscribers", "add", "+14155552671", "--force");

        Assert.Equal(1, add.ExitCode);
        Assert.Contains("unsubscribed themselves", add.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Equal("+14155552671 is now opted_in.\n", forced.Stdout);
    }

    private async Task RecordOwnerStopAsync(string phone)
    {
        using var services = CliServices.Build(CliServices.Configuration(), Path.GetFullPath(Db), TextWriter.Null);
        await services.GetRequiredService<ISubscriberStore>().RecordConsentAsync(new ConsentChange(
            phone, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "STOP"), DateTimeOffset.UtcNow));
    }
}
