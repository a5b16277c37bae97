using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Cli.Tests;

/// <summary>
/// The whole delivery loop on one machine: subscribers imported into SQLite, some of them writing in through
/// <c>mitzvah serve</c>'s consent endpoint, the <c>mitzvah send</c> process sending through a Twilio stand-in (its
/// creates checked against Twilio's OpenAPI spec by Prism), and the stand-in's signed status callbacks, shuffled and
/// repeated as Twilio sends them, posted to serve's <c>/api/status</c>.
/// </summary>
public sealed class StatusCallbackEndToEndTests : IAsyncLifetime
{
    private const string SendDay = "2026-11-25";
    private const string TemplateSid = "HX0123456789abcdef0123456789abcdef";
    private static readonly DateOnly Day = DateOnly.Parse(SendDay, CultureInfo.InvariantCulture);

    // Who wrote in (window open), and how Twilio scripts each number's message to end.
    private static readonly (string Phone, bool Wrote, LoopbackFate Fate)[] Recipients =
    [
        ("+14155552671", true, LoopbackFate.Read),
        ("+14155552672", true, LoopbackFate.Delivered),
        ("+14155552673", true, LoopbackFate.Failed("63024")),
        ("+14155552674", true, LoopbackFate.Undelivered("63049")),
        ("+14155552675", false, LoopbackFate.Read),
        ("+14155552676", false, LoopbackFate.Failed("63024")),
        ("+14155552677", false, LoopbackFate.Delivered),
        ("+14155552678", true, LoopbackFate.Delivered),
    ];

    private LocalDeliveryLoop? _loop;

    private string Db => _loop!.Db;

    private LoopbackTwilio Twilio => _loop!.Twilio;

    private LocalServer Server => _loop!.Server;

    public async Task InitializeAsync() => _loop = await LocalDeliveryLoop.StartAsync(
        prism => new LoopbackTwilioOptions { HoldCallbacks = true, CallbackSeed = 20261125, DuplicateRate = 0.3, PrismUrl = prism },
        twilio => TwilioSettings(twilio));

    public async Task DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_ledger_ends_with_exactly_the_fate_twilio_reported_for_every_recipient()
    {
        foreach (var (phone, _, fate) in Recipients)
        {
            Twilio.ScriptFate(phone, fate);
        }

        await ImportAsync();
        foreach (var (phone, _, _) in Recipients.Where(recipient => recipient.Wrote))
        {
            var answer = await Twilio.PostInboundAsync(Server.ConsentUrl, phone);
            Assert.True(answer.IsSuccess, answer.Body);
        }

        var send = await SendProcessAsync();
        Assert.True(send.ExitCode == 0, send.Stderr);
        Assert.Equal(Recipients.Length, Summary(send).GetProperty("sent").GetInt32());
        Assert.Equal(0, Twilio.PrismRefusals);
        Assert.Equal(Recipients.Length, Twilio.Fates.Count);
        Assert.True(Twilio.ReleaseCallbacks() >= 2 * Recipients.Length);
        await Twilio.WaitForCallbacksAsync(TimeSpan.FromSeconds(60));

        var callbacks = Twilio.Callbacks;
        Assert.All(callbacks, callback => Assert.True(callback.Answered && callback.Attempt == 1, $"{callback.Status}: {callback.Answer?.StatusCode} {callback.Answer?.Body}{callback.PostError}"));
        Assert.Contains(callbacks, callback => callback.Duplicate);
        Assert.Contains(callbacks.GroupBy(callback => callback.MessageSid), OutOfOrder);
        var ledger = Server.Services.GetRequiredService<IDeliveryLedger>();
        var items = (await ledger.ListAsync(Day)).ToDictionary(item => item.Phone, StringComparer.Ordinal);
        Assert.Equal(Recipients.Select(recipient => recipient.Phone), items.Keys.Order(StringComparer.Ordinal));
        foreach (var (phone, wrote, scripted) in Recipients)
        {
            var message = Assert.Single(Twilio.Accepted, accepted => accepted.Phone == phone);
            var freeform = message.ContentSid is null;
            var expected = freeform && !wrote ? LoopbackFate.Undelivered(LoopbackTwilio.OutsideWindowError) : scripted;
            Assert.Equal(expected, Twilio.FateOf(message.Sid));
            var item = items[phone];
            Assert.Equal(DeliveryState.Sent, item.State);
            Assert.Equal(message.Sid, item.MessageId);
            Assert.True(
                expected.LedgerStatus == item.DeliveryStatus && expected.ErrorCode == item.DeliveryErrorCode,
                $"{phone}: Twilio reported {expected}, the ledger holds {item.DeliveryStatus} {item.DeliveryErrorCode}");
        }

        // The operator's report counts exactly what Twilio reported. Without a template everyone got freeform, and the
        // three who never wrote were outside the window.
        var report = await ReportAsync();
        AssertReportMatchesTwilio(report);
        Assert.Equal(Recipients.Length, report.GetProperty("freeform").GetInt32());
        Assert.Equal(0, report.GetProperty("template").GetInt32());
        Assert.Equal(Recipients.Count(recipient => !recipient.Wrote), report.GetProperty("outsideWindow").GetInt32());
    }

    [Fact]
    public async Task With_a_template_those_who_never_wrote_get_it_and_those_who_just_wrote_get_freeform()
    {
        foreach (var (phone, _, fate) in Recipients)
        {
            Twilio.ScriptFate(phone, fate);
        }

        await ImportAsync();
        foreach (var (phone, _, _) in Recipients.Where(recipient => recipient.Wrote))
        {
            Assert.True((await Twilio.PostInboundAsync(Server.ConsentUrl, phone)).IsSuccess);
        }

        var send = await SendProcessAsync(new() { ["WHATSAPP_TEMPLATE_SID"] = TemplateSid });
        Assert.True(send.ExitCode == 0, send.Stderr);
        Assert.Equal(0, Twilio.PrismRefusals);
        Twilio.ReleaseCallbacks();
        await Twilio.WaitForCallbacksAsync(TimeSpan.FromSeconds(60));

        foreach (var (phone, wrote, scripted) in Recipients)
        {
            var message = Assert.Single(Twilio.Accepted, accepted => accepted.Phone == phone);
            Assert.Equal(wrote ? null : TemplateSid, message.ContentSid);
            Assert.Equal(wrote, message.Body is not null && message.ContentSid is null);
            Assert.Equal(scripted, Twilio.FateOf(message.Sid));
        }

        var report = await ReportAsync();
        AssertReportMatchesTwilio(report);
        Assert.Equal(Recipients.Count(recipient => !recipient.Wrote), report.GetProperty("template").GetInt32());
        Assert.Equal(Recipients.Count(recipient => recipient.Wrote), report.GetProperty("freeform").GetInt32());
        Assert.Equal(0, report.GetProperty("outsideWindow").GetInt32());
        Assert.False(report.GetProperty("errors").TryGetProperty(LoopbackTwilio.OutsideWindowError, out _));
    }

    /// <summary><c>mitzvah report --json</c> as an operator runs it, on the database the loop wrote.</summary>
    private async Task<JsonElement> ReportAsync()
    {
        var run = await CliRun.RunAsync("report", "--date", SendDay, "--json", "--db", Db);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(Assert.Single(run.StdoutLines)).RootElement.Clone();
    }

    /// <summary>The report's delivery counts and error codes are those of the fates the stand-in decided.</summary>
    private void AssertReportMatchesTwilio(JsonElement report)
    {
        var fates = Twilio.Fates.Values.ToList();
        var failures = fates.Where(fate => fate.ErrorCode is not null).ToList();
        Assert.Equal(fates.Count, report.GetProperty("accepted").GetInt32());
        Assert.Equal(fates.Count(fate => fate.LedgerStatus is DeliveryStatus.Delivered or DeliveryStatus.Read), report.GetProperty("delivered").GetInt32());
        Assert.Equal(fates.Count(fate => fate.LedgerStatus == DeliveryStatus.Read), report.GetProperty("read").GetInt32());
        Assert.Equal(failures.Count, report.GetProperty("failed").GetInt32());
        Assert.Equal(0, report.GetProperty("pending").GetInt32());
        Assert.Equal(
            failures.GroupBy(fate => fate.ErrorCode!).ToDictionary(group => group.Key, group => group.Count()),
            report.GetProperty("errors").EnumerateObject().ToDictionary(code => code.Name, code => code.Value.GetInt32()));
    }

    [Fact]
    public async Task A_forged_callback_about_a_sent_message_is_refused_and_writes_nothing()
    {
        var (phone, _, _) = Recipients[1];
        Twilio.ScriptFate(phone, LoopbackFate.Delivered);
        await ImportAsync(phone);
        await Twilio.PostInboundAsync(Server.ConsentUrl, phone);
        Assert.Equal(0, (await SendProcessAsync()).ExitCode);
        Twilio.ReleaseCallbacks();
        await Twilio.WaitForCallbacksAsync(TimeSpan.FromSeconds(60));
        var ledger = Server.Services.GetRequiredService<IDeliveryLedger>();
        var delivered = await ledger.GetAsync(Day, phone);
        var message = Assert.Single(Twilio.Accepted);

        using var poster = new HttpWebhookPoster();
        var forged = await poster.PostAsync(Twilio.StatusCallbackPost(message, "failed", "30008", authToken: "not-the-auth-token"));
        var unsigned = await poster.PostAsync(Twilio.StatusCallbackPost(message, "failed", "30008") with { Signature = string.Empty });

        Assert.Equal(DeliveryStatus.Delivered, delivered?.DeliveryStatus);
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal((int)HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(delivered, await ledger.GetAsync(Day, phone));
    }

    // Some status was posted before one that comes earlier in the message's progression.
    private static bool OutOfOrder(IEnumerable<LoopbackStatusCallback> callbacks)
    {
        string[] progression = ["queued", "sent", "delivered", "read", "failed", "undelivered"];
        var posted = callbacks.Where(callback => !callback.Duplicate).Select(callback => callback.Status).ToList();
        return !posted.SequenceEqual(posted.OrderBy(status => Array.IndexOf(progression, status)));
    }

    private Dictionary<string, string?> TwilioSettings() => TwilioSettings(Twilio);

    private static Dictionary<string, string?> TwilioSettings(LoopbackTwilio twilio) => new()
    {
        ["TWILIO_ACCOUNT_SID"] = twilio.AccountSid,
        ["TWILIO_AUTH_TOKEN"] = twilio.AuthToken,
        ["TWILIO_WHATSAPP_NUMBER"] = "+14155238886",
        ["TWILIO_API_BASE_URL"] = twilio.BaseUrl.ToString(),
    };

    private async Task ImportAsync(params string[] phones)
    {
        var file = Path.Combine(_loop!.Directory, "subscribers.csv");
        var rows = phones.Length > 0 ? phones : Recipients.Select(recipient => recipient.Phone);
        await File.WriteAllLinesAsync(file, ["name,phone", .. rows.Select((phone, i) => $"Subscriber {i},{phone}")]);
        var import = await CliRun.RunAsync("subscribers", "import", file, "--db", Db);
        Assert.True(import.ExitCode == 0, import.Stderr);
    }

    /// <summary><c>mitzvah send</c> as its own process, configured through its environment as an operator would.</summary>
    private Task<CliRun> SendProcessAsync(Dictionary<string, string>? settings = null)
    {
        var environment = TwilioSettings();
        foreach (var (name, value) in settings ?? [])
        {
            environment[name] = value;
        }

        environment["TWILIO_STATUS_CALLBACK_URL"] = new Uri(Server.BaseAddress, RoutePaths.Status).ToString();
        return CliRun.RunProcessAsync(environment, "send", "--date", SendDay, "--db", Db);
    }

    private static JsonElement Summary(CliRun run) => JsonDocument.Parse(run.StdoutLines[^1]).RootElement;
}
