using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Mitzvah.Cli.Tests;

/// <summary>The built <c>mitzvah</c> program run as its own process, with settings in its environment.</summary>
public sealed class CliProcessTests
{
    private static Task<CliRun> RunProcessAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        CliRun.RunProcessAsync(environment.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)), args);

    [Fact]
    public async Task The_program_honours_the_israel_setting_from_its_environment()
    {
        // Second day of Pesach 5786: Yom Tov outside Israel, a working day in Israel.
        var diaspora = await RunProcessAsync(new Dictionary<string, string>(), "preview", "--date", "2026-04-03");
        var israel = await RunProcessAsync(new Dictionary<string, string> { ["MITZVAH_IN_ISRAEL"] = "true" }, "preview", "--date", "2026-04-03");

        Assert.Equal(0, diaspora.ExitCode);
        Assert.StartsWith("No message goes out", diaspora.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, israel.ExitCode);
        Assert.StartsWith("*Daily Mitzvah* · Friday, 3 April 2026", israel.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_follows_the_configured_time_zone()
    {
        // UTC+14 and UTC-11 are 25 hours apart, so their dates always differ, even across the seconds a run takes.
        string[] zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago"];
        var headers = new List<string>();

        foreach (var zone in zones)
        {
            // The program reads the clock between these two readings, so its "today" is the zone's date at one of
            // them: the test holds whatever the time of day, midnight in the zone included.
            var before = HeaderOfTodayIn(zone);
            var run = await RunProcessAsync(new Dictionary<string, string> { ["MITZVAH_TIME_ZONE"] = zone }, "preview", "--no-rest-days");
            var after = HeaderOfTodayIn(zone);

            Assert.Equal(0, run.ExitCode);
            var header = run.Stdout.Split('\n')[0];
            Assert.Contains(header, new[] { before, after });
            headers.Add(header);
        }

        Assert.NotEqual(headers[0], headers[1]);
    }

    private static string HeaderOfTodayIn(string zone)
    {
        var today = NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(NodaTime.DateTimeZoneProviders.Tzdb[zone]).ToDateTimeUnspecified();
        return $"*Daily Mitzvah* · {today:dddd, d MMMM yyyy}";
    }

    [Theory]
    [InlineData("MITZVAH_IN_ISRAEL", "maybe")]
    [InlineData("MITZVAH_SKIP_REST_DAYS", "sometimes")]
    [InlineData("MITZVAH_TIME_ZONE", "Mars/Olympus_Mons")]
    public async Task A_bad_setting_is_named_in_one_line_and_exits_2(string name, string value)
    {
        var run = await RunProcessAsync(new Dictionary<string, string> { [name] = value }, "preview", "--date", "2026-11-25");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(value, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_backfill_indexes_items_of_the_original_deployment_once()
    {
        await using var dynalite = await Mitzvah.Testing.StandIns.StandInServers.StartDynaliteAsync();
        using var client = new Amazon.DynamoDBv2.AmazonDynamoDBClient(
            new Amazon.Runtime.BasicAWSCredentials("x", "x"),
            new Amazon.DynamoDBv2.AmazonDynamoDBConfig { ServiceURL = dynalite.BaseUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var tables = new Mitzvah.DynamoDb.DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
        await Mitzvah.DynamoDb.DynamoDbTables.CreateAsync(client, tables);
        // As the original Python deployment wrote them: no index attribute, no version.
        foreach (var (phone, status) in new[] { ("+14155552671", "opted_in"), ("+14155552672", "opted_out") })
        {
            await client.PutItemAsync(tables.SubscribersTable, new Dictionary<string, Amazon.DynamoDBv2.Model.AttributeValue>
            {
                ["phone"] = new() { S = phone },
                ["consent_status"] = new() { S = status },
                ["channel"] = new() { S = "whatsapp" },
                ["source"] = new() { S = "whatsapp_keyword" },
                ["evidence"] = new() { S = "JOIN MITZVAH" },
                ["timestamp_iso"] = new() { S = "2025-06-01T10:00:00+00:00" },
            });
        }

        var environment = new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL_DYNAMODB"] = dynalite.BaseUrl.ToString(),
            ["AWS_ACCESS_KEY_ID"] = "local",
            ["AWS_SECRET_ACCESS_KEY"] = "local",
            ["AWS_REGION"] = "us-east-1",
        };

        var first = await RunProcessAsync(environment, "aws", "backfill-index", "--table", tables.SubscribersTable);
        var second = await RunProcessAsync(environment, "aws", "backfill-index", "--table", tables.SubscribersTable);
        var missing = await RunProcessAsync(environment, "aws", "backfill-index", "--table", prefix + "-nothing");

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal("""{"scanned":2,"updated":1,"alreadyIndexed":0}""", first.Stdout.Trim());
        Assert.Equal("""{"scanned":2,"updated":0,"alreadyIndexed":1}""", second.Stdout.Trim());
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("mitzvah: DynamoDB refused the backfill:", missing.Stderr, StringComparison.Ordinal);
        var store = new Mitzvah.DynamoDb.DynamoDbSubscriberStore(client, Microsoft.Extensions.Options.Options.Create(tables));
        var listed = await store.ListAsync(Mitzvah.Core.Consent.ConsentStatus.OptedIn, null, 10);
        Assert.Equal(["+14155552671"], listed.Items.Select(s => s.Phone));
    }

    [Fact]
    public async Task With_Twilio_credentials_the_program_sends_through_Twilio_once_per_subscriber()
    {
        await using var twilio = await Mitzvah.Testing.StandIns.LoopbackTwilio.StartAsync();
        var db = Path.Combine(Path.GetTempPath(), $"mitzvah-process-{Guid.NewGuid():N}.db");
        var environment = new Dictionary<string, string>
        {
            ["MITZVAH_DB"] = db,
            ["TWILIO_ACCOUNT_SID"] = twilio.AccountSid,
            ["TWILIO_AUTH_TOKEN"] = twilio.AuthToken,
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
            ["TWILIO_API_BASE_URL"] = twilio.BaseUrl.ToString(),
        };
        try
        {
            Assert.Equal(0, (await RunProcessAsync(environment, "subscribers", "add", "+14155552671")).ExitCode);
            Assert.Equal(0, (await RunProcessAsync(environment, "subscribers", "add", "+14155552672")).ExitCode);

            var first = await RunProcessAsync(environment, "send", "--date", "2026-11-25");
            var second = await RunProcessAsync(environment, "send", "--date", "2026-11-25");

            Assert.True(first.ExitCode == 0, first.Stderr);
            Assert.Contains("\"messenger\":\"twilio\"", first.StdoutLines[^1], StringComparison.Ordinal);
            Assert.Contains("\"sent\":2", first.StdoutLines[^1], StringComparison.Ordinal);
            Assert.Contains("\"alreadySent\":2", second.StdoutLines[^1], StringComparison.Ordinal);
            Assert.Equal(1, twilio.CountTo("+14155552671"));
            Assert.Equal(1, twilio.CountTo("+14155552672"));
            Assert.Equal("whatsapp:+14155550100", twilio.Accepted[0].From);
            // Numbers and the auth token never reach the logs unmasked.
            Assert.DoesNotContain("+14155552671", first.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(twilio.AuthToken, first.Stderr + first.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(db + suffix);
            }
        }
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_stops_on_a_stop_signal_after_answering_the_request_in_flight(string signal)
    {
        var db = Path.Combine(Path.GetTempPath(), $"mitzvah-serve-{Guid.NewGuid():N}.db");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var process = Process.Start(CliRun.StartInfo([], "serve", "--port", "0", "--db", db))!;
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            var listening = await ReadLineStartingWithAsync(process, "Listening on ", timeout.Token);
            var address = new Uri(listening.Split(' ')[2]);
            var body = Encoding.UTF8.GetBytes("""{"phone":"+14155552671","consent":true,"action":"optin"}""");
            using var client = new TcpClient();
            await client.ConnectAsync(address.Host, address.Port, timeout.Token);
            var stream = client.GetStream();
            var head = $"POST /api/consent HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\n"
                + $"Content-Length: {body.Length}\r\nExpect: 100-continue\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), timeout.Token);
            // The server asks for the body only once the endpoint reads it: from here on the request is in flight.
            Assert.StartsWith("HTTP/1.1 100 Continue", await ReadHeadAsync(stream, timeout.Token), StringComparison.Ordinal);

            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            await ReadLineStartingWithAsync(process, "Stopping", timeout.Token);
            await stream.WriteAsync(body, timeout.Token);
            var response = await ReadHeadAsync(stream, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);

            Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
            Assert.True(process.ExitCode == 0, await stderr);
            var list = await CliRun.RunAsync("subscribers", "list", "--db", db);
            Assert.StartsWith("+14155552671", Assert.Single(list.StdoutLines), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(db + suffix);
            }
        }
    }

    private static async Task<string> ReadLineStartingWithAsync(Process process, string prefix, CancellationToken cancellationToken)
    {
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The process ended its output without a line starting with '{prefix}'.");
    }

    // Reads up to the blank line that ends a response head, a byte at a time so that nothing after it is consumed.
    private static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new IOException($"The connection closed after: {head}");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }
}
