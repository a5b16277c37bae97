using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Messages;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Cli.Tests;

/// <summary>
/// Email end to end on one machine, over real SMTP into maildev: <c>mitzvah serve</c> takes the sign-up and the
/// links, <c>mitzvah send</c> processes send at the readers' time, and the links are taken from the mails maildev
/// received, as a reader's mail client would.
/// </summary>
public sealed partial class EmailEndToEndTests : IClassFixture<MaildevFixture>, IAsyncLifetime
{
    private const string LinkSecret = "end-to-end-link-secret-0123456789abcdef";
    private readonly MaildevFixture _maildev;
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private readonly HttpClient _http = new();
    private LocalDeliveryLoop? _loop;

    public EmailEndToEndTests(MaildevFixture maildev) => _maildev = maildev;

    private string Db => _loop!.Db;

    private LocalServer Server => _loop!.Server;

    private LoopbackTwilio Twilio => _loop!.Twilio;

    public async Task InitializeAsync()
    {
        _loop = await LocalDeliveryLoop.StartAsync(prism => new LoopbackTwilioOptions { PrismUrl = prism, HoldCallbacks = true }, twilio => Settings(twilio, server: null));
        _http.BaseAddress = Server.BaseAddress;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_reader_confirms_by_the_mailed_link_gets_each_day_once_and_one_click_unsubscribe_stops_the_next_day()
    {
        var reader = Address("reader");
        var control = Address("control");
        var first = DateTimeOffset.UtcNow.AddHours(1);

        Assert.Contains("confirmation link", await SubscribeAsync(reader), StringComparison.Ordinal);
        Assert.Contains("confirmation link", await SubscribeAsync(control), StringComparison.Ordinal);
        var before = await SendAsync("--at", Instant(first));
        Assert.Equal(0, before.GetProperty("mailSent").GetInt32());

        var confirmation = Assert.Single(await MailsToAsync(reader));
        Assert.Equal("Confirm your subscription to Daily Mitzvah", confirmation.GetProperty("subject").GetString());
        var link = LinkIn(confirmation.GetProperty("text").GetString()!, RoutePaths.EmailConfirm);
        var page = await _http.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.Pending, (await Store.GetAsync(AddressKey.ForEmail(reader)))!.Status);

        var confirmed = await PostFormAsync(link, "via=page");
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("is confirmed", await confirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var history = await Store.GetHistoryAsync(AddressKey.ForEmail(reader));
        Assert.Equal(ConsentStatus.OptedIn, history[^1].Status);
        Assert.Equal((reader, "127.0.0.1"), (history[^1].Evidence.Email, history[^1].Evidence.IpAddress));
        var again = await PostFormAsync(link, "via=page");
        Assert.Contains("confirmed already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(history.Count, (await Store.GetHistoryAsync(AddressKey.ForEmail(reader))).Count);
        await ConfirmAsync(control);

        var day = await SendAsync("--at", Instant(first));
        Assert.Equal(2, day.GetProperty("mailSent").GetInt32());
        var daily = Assert.Single(await MailsToAsync(reader, count: 2), mail => mail.GetProperty("subject").GetString()!.StartsWith("Daily Mitzvah · ", StringComparison.Ordinal));
        var source = await _maildev.SourceAsync(daily.GetProperty("id").GetString()!);
        Assert.Contains("multipart/alternative", source, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain", source, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/html", source, StringComparison.Ordinal);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", source, StringComparison.Ordinal);
        var header = ListUnsubscribe().Match(Unfold(source));
        Assert.True(header.Success, source);
        Assert.Equal("mailto:mitzvah@example.org?subject=unsubscribe", header.Groups["mailto"].Value);

        // A rerun of the same instant and a date run of the same day find the ledger's record: no second mail.
        Assert.Equal(0, (await SendAsync("--at", Instant(first))).GetProperty("mailSent").GetInt32());
        var rerun = await SendAsync("--date", day.GetProperty("studyDate").GetString()!);
        Assert.Equal(0, rerun.GetProperty("mailSent").GetInt32());

        // A mail client's one-click unsubscribe: a POST of RFC 8058's body to the header's https link, no cookie.
        var oneClick = await PostFormAsync(new Uri(header.Groups["https"].Value), "List-Unsubscribe=One-Click");
        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        var left = await Store.GetHistoryAsync(AddressKey.ForEmail(reader));
        Assert.Equal((ConsentStatus.OptedOut, "one-click unsubscribe"), (left[^1].Status, left[^1].Evidence.Note));

        var next = await SendAsync("--at", Instant(first.AddDays(1)));
        Assert.Equal(1, next.GetProperty("mailSent").GetInt32());
        Assert.Equal(2, (await MailsToAsync(control, count: 3)).Count(IsDaily));
        Assert.Single(await MailsToAsync(reader, count: 2), IsDaily);
    }

    [Fact]
    public async Task Changed_and_expired_links_are_refused_and_change_nothing()
    {
        var reader = Address("refused");
        await SubscribeAsync(reader);
        var link = LinkIn(Assert.Single(await MailsToAsync(reader)).GetProperty("text").GetString()!, RoutePaths.EmailConfirm);
        var token = link.Query["?token=".Length..];
        var tampered = new Uri(Server.BaseAddress, $"{RoutePaths.EmailConfirm}?token={token[..^3]}{(token[^3] == 'A' ? 'B' : 'A')}{token[^2..]}");
        var signer = new EmailLinkSigner(Options.Create(new MailOptions { LinkSecret = LinkSecret }));
        var stale = signer.Sign(EmailLinkPurpose.Confirm, AddressKey.ForEmail(reader), reader, DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(-1));
        var expired = new Uri(Server.BaseAddress, $"{RoutePaths.EmailConfirm}?token={stale}");
        var history = await Store.GetHistoryAsync(AddressKey.ForEmail(reader));

        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync(tampered)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(tampered, "via=page")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _http.GetAsync(expired)).StatusCode);
        var refused = await PostFormAsync(expired, "via=page");
        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostFormAsync(new Uri(Server.BaseAddress, $"{RoutePaths.Unsubscribe}?token={token}"), "List-Unsubscribe=One-Click")).StatusCode);
        Assert.Equal(history, await Store.GetHistoryAsync(AddressKey.ForEmail(reader)));
        Assert.Equal(ConsentStatus.Pending, (await Store.GetAsync(AddressKey.ForEmail(reader)))!.Status);
    }

    [Fact]
    public async Task A_fallback_reader_gets_the_day_by_mail_once_when_WhatsApp_reports_63049()
    {
        const string phone = "+14155552690";
        var reader = Address("fallback");
        Assert.True((await Twilio.PostInboundAsync(Server.ConsentUrl, phone, "JOIN MITZVAH")).IsSuccess);
        var added = await CliRun.RunProcessAsync(Settings(), "subscribers", "add-email", reader, "--phone", phone, "--channel", "fallback", "--db", Db);
        Assert.True(added.ExitCode == 0, added.Stderr);
        await ConfirmAsync(reader);
        Assert.Equal(DeliveryChannel.Fallback, (await Store.GetAsync(phone))!.EffectiveChannel);
        Twilio.ScriptFate(phone, LoopbackFate.Undelivered("63049"));

        var first = DateTimeOffset.UtcNow.AddHours(1);
        var send = await SendAsync("--at", Instant(first));
        Assert.Equal((1, 0), (send.GetProperty("sent").GetInt32(), send.GetProperty("mailSent").GetInt32()));
        Assert.True(Twilio.ReleaseCallbacks() >= 2);
        await Twilio.WaitForCallbacksAsync(TimeSpan.FromSeconds(60));

        // The number's own day (its zone comes from its calling code), as the callback URL names it.
        var message = Assert.Single(Twilio.Accepted, accepted => accepted.Phone == phone);
        var date = DateOnly.Parse(Regex.Match(message.StatusCallback!, @"date=(\d{4}-\d{2}-\d{2})").Groups[1].Value, CultureInfo.InvariantCulture);
        var mail = await Store.GetAsync(phone);
        var item = await Server.Services.GetRequiredService<IDeliveryLedger>().GetAsync(date, AddressKey.ForEmail(reader));
        Assert.Equal((DeliveryState.Sent, MessageForm.FallbackEmail), (item?.State, item?.Form));
        Assert.Single(await MailsToAsync(reader, count: 2), IsDaily);
        Assert.Equal(reader, mail!.DeliverableEmail);

        // Twilio repeats callbacks: the repeat finds the mail sent and sends none.
        using var poster = new HttpWebhookPoster();
        var repeat = await poster.PostAsync(Twilio.StatusCallbackPost(message, "undelivered", "63049"));
        Assert.Contains("\"fallback\":\"already-sent\"", repeat.Body, StringComparison.Ordinal);
        var report = await CliRun.RunProcessAsync(Settings(), "report", "--date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--json", "--db", Db);
        var counts = JsonDocument.Parse(report.Stdout).RootElement;
        Assert.Equal((1, 1, 0), (counts.GetProperty("mailSent").GetInt32(), counts.GetProperty("mailFallbacks").GetInt32(), counts.GetProperty("mailFailed").GetInt32()));
        Assert.Single(await MailsToAsync(reader, count: 2), IsDaily);
    }

    private ISubscriberStore Store => Server.Services.GetRequiredService<ISubscriberStore>();

    private string Address(string who) => $"{who}-{_run}@example.org";

    private static string Instant(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool IsDaily(JsonElement mail) => mail.GetProperty("subject").GetString()!.StartsWith("Daily Mitzvah · ", StringComparison.Ordinal);

    // One setting set for the server and every process: UTC, every day a send day, each reader's day starting at 00:00.
    private Dictionary<string, string?> Settings() => Settings(Twilio, Server);

    private Dictionary<string, string?> Settings(LoopbackTwilio twilio, LocalServer? server)
    {
        var settings = new Dictionary<string, string?>(_maildev.HostSettings())
        {
            ["MAIL_LINK_SECRET"] = LinkSecret,
            ["MITZVAH_TIME_ZONE"] = "UTC",
            ["MITZVAH_SEND_TIME"] = "00:00",
            ["MITZVAH_SKIP_REST_DAYS"] = "false",
            ["TWILIO_ACCOUNT_SID"] = twilio.AccountSid,
            ["TWILIO_AUTH_TOKEN"] = twilio.AuthToken,
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155238886",
            ["TWILIO_API_BASE_URL"] = twilio.BaseUrl.ToString(),
        };
        if (server is not null)
        {
            // The processes' links and callbacks point at the running server, as a deployment's public address would.
            settings["PUBLIC_CONSENT_URL"] = server.ConsentUrl.ToString();
            settings["TWILIO_STATUS_CALLBACK_URL"] = new Uri(server.BaseAddress, RoutePaths.Status).ToString();
        }

        return settings;
    }

    private async Task<string> SubscribeAsync(string address)
    {
        using var response = await _http.PostAsJsonAsync(RoutePaths.Consent, new { email = address, consent = true, channel = "email" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private async Task ConfirmAsync(string address)
    {
        var mail = Assert.Single(await MailsToAsync(address), m => m.GetProperty("subject").GetString()!.StartsWith("Confirm", StringComparison.Ordinal));
        using var response = await PostFormAsync(LinkIn(mail.GetProperty("text").GetString()!, RoutePaths.EmailConfirm), "via=page");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostFormAsync(Uri url, string body) =>
        await _http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));

    private async Task<JsonElement> SendAsync(params string[] args)
    {
        var run = await CliRun.RunProcessAsync(Settings(), ["send", .. args, "--db", Db]);
        Assert.True(run.ExitCode == 0, run.Stderr);
        return JsonDocument.Parse(run.StdoutLines[^1]).RootElement;
    }

    private Task<IReadOnlyList<JsonElement>> MailsToAsync(string address, int count = 1) =>
        _maildev.WaitForMailsAsync(mail => MaildevFixture.IsTo(mail, address), count);

    private Uri LinkIn(string text, string path)
    {
        var match = Regex.Match(text, $@"http://127\.0\.0\.1:\d+{Regex.Escape(path)}\?token=[A-Za-z0-9_.-]+");
        Assert.True(match.Success, text);
        var link = new Uri(match.Value);
        Assert.Equal(Server.BaseAddress.Port, link.Port);
        return link;
    }

    private static string Unfold(string source) => Regex.Replace(source, @"\r?\n[ \t]+", " ");

    [GeneratedRegex(@"List-Unsubscribe: <(?<https>http://127\.0\.0\.1:\d+/api/unsubscribe\?token=[A-Za-z0-9_.-]+)>, <(?<mailto>mailto:[^>]+)>")]
    private static partial Regex ListUnsubscribe();
}
