using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Mail;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Consent;

/// <summary>Email sign-ups at the consent endpoint: the web form with an address, and WhatsApp's EMAIL keyword.</summary>
public sealed class ConsentEndpointEmailTests : IDisposable
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";
    private const string Dina = MailEndpoints.Dina;
    private static readonly string DinaKey = AddressKey.ForEmail(Dina);
    private static readonly KeyValuePair<string, string>[] Browser = [KeyValuePair.Create("X-Forwarded-For", "203.0.113.7"), KeyValuePair.Create("User-Agent", "TestBrowser/1.0")];
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly MailEndpoints _mail = new();

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task A_json_sign_up_with_an_address_is_pending_and_mails_the_confirmation_link()
    {
        var response = await PostJsonAsync("""{"email":"dina@example.org","consent":true,"channel":"email"}""");

        Assert.Equal(200, response.StatusCode);
        var body = Parse(response);
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Equal("d***@example.org", body.GetProperty("email").GetString());
        Assert.Equal("email", body.GetProperty("channel").GetString());
        Assert.Contains("confirmation link", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(_mail.Core.Time.GetUtcNow() + TimeSpan.FromDays(7), body.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.DoesNotContain(Dina, response.Body, StringComparison.Ordinal);
        var mail = Assert.Single(_mail.Mail.Sends);
        Assert.Equal(Dina, mail.To);
        Assert.NotNull(InMemoryMailSender.LinkOf(mail, RoutePaths.EmailConfirm));
        var entry = Assert.Single(await _mail.Store.GetHistoryAsync(DinaKey));
        Assert.Equal((ConsentStatus.Pending, ConsentSource.WebForm), (entry.Status, entry.Source));
        Assert.Equal(("203.0.113.7", "TestBrowser/1.0", Dina), (entry.Evidence.IpAddress, entry.Evidence.UserAgent, entry.Evidence.Email));
        Assert.Equal(new ConsentOptions().EmailConsentTextVersion, entry.Evidence.ConsentTextVersion);
    }

    [Theory]
    [InlineData("email=dina%40example.org&consent=on")]
    [InlineData("email=+Dina%40Example.org+&consent=true&channel=email")]
    public async Task A_form_sign_up_with_an_address_is_pending_too(string body)
    {
        var response = await _mail.Core.SendAsync("POST", RoutePaths.Consent, Form, body, Browser);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ConsentStatus.Pending, (await _mail.Store.GetAsync(DinaKey))?.Status);
        Assert.Equal(Dina, Assert.Single(_mail.Mail.Sends).To);
    }

    [Theory]
    [InlineData("""{"email":"dina@@example.org","consent":true}""", "exactly one @")]
    [InlineData("""{"email":"dina@localhost","consent":true}""", "domain like example.org")]
    [InlineData("""{"email":"Dina <dina@example.org>","consent":true}""", "cannot hold")]
    [InlineData("""{"email":"dina@example.org","consent":true,"channel":"sms"}""", "'sms' is not a channel")]
    [InlineData("""{"email":"dina@example.org","consent":true,"channel":"both"}""", "enter your phone number")]
    [InlineData("""{"email":"dina@example.org","consent":true,"channel":"fallback","phone":"12"}""", "not a valid phone number")]
    [InlineData("""{"email":"dina@example.org","consent":true,"channel":"whatsapp"}""", "does not use an email address")]
    [InlineData("""{"email":"dina@example.org","consent":false}""", "tick the box")]
    [InlineData("""{"email":"dina@example.org"}""", "tick the box")]
    [InlineData("""{"email":"dina@example.org","consent":"maybe"}""", "true or false")]
    [InlineData("""{"email":"dina@example.org","consent":true,"sendTime":"07:10"}""", "quarter hour")]
    [InlineData("""{"email":"dina@example.org","action":"optout"}""", "unsubscribe link")]
    public async Task A_sign_up_core_cannot_use_is_400_with_a_sentence_and_writes_nothing(string json, string sentence)
    {
        var response = await PostJsonAsync(json);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains(sentence, Parse(response).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(_mail.Mail.Sends);
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        Assert.Null(await _mail.Store.GetAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Where_mail_is_not_set_up_an_email_sign_up_is_503_and_writes_nothing()
    {
        using var off = new MailEndpoints(withSender: false);

        var response = await off.Core.SendAsync("POST", RoutePaths.Consent, Json, """{"email":"dina@example.org","consent":true}""", Browser);

        Assert.Equal(503, response.StatusCode);
        Assert.Contains("not available", response.Body, StringComparison.Ordinal);
        Assert.Null(await off.Store.GetAsync(DinaKey));
    }

    [Fact]
    public async Task Email_sign_ups_count_against_the_per_client_limit()
    {
        for (var i = 0; i < new ConsentOptions().WebOptInsPerHour; i++)
        {
            Assert.Equal(200, (await PostJsonAsync($$"""{"email":"reader{{i}}@example.org","consent":true}""")).StatusCode);
        }

        var limited = await PostJsonAsync("""{"email":"dina@example.org","consent":true}""");

        Assert.Equal(429, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Too many sign-ups", limited.Body, StringComparison.Ordinal);
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        Assert.Equal(new ConsentOptions().WebOptInsPerHour, _mail.Mail.Sends.Count);
    }

    [Fact]
    public async Task An_address_with_a_number_on_both_channels_records_the_number_pending_with_the_address_linked()
    {
        var response = await PostJsonAsync("""{"email":"dina@example.org","consent":true,"channel":"both","phone":"+15550000101"}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("both", Parse(response).GetProperty("channel").GetString());
        var subscriber = await _mail.Store.GetAsync(TestPhones.Alice);
        Assert.Equal((ConsentStatus.Pending, Dina, DeliveryChannel.Both), (subscriber?.Status, subscriber?.Addresses.Email, subscriber?.Preferences.Channel));
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        Assert.Equal(Dina, Assert.Single(_mail.Mail.Sends).To);
    }

    [Fact]
    public async Task Email_on_whatsapp_from_a_subscribed_number_links_the_address_on_both_channels_and_mails_the_link()
    {
        await _mail.JoinAsync(TestPhones.Alice);

        var reply = await InboundAsync("EMAIL dina@example.org");

        Assert.Equal(200, reply.StatusCode);
        Assert.StartsWith("REPLY:We sent a confirmation link to d***@example.org", reply.Body, StringComparison.Ordinal);
        var subscriber = await _mail.Store.GetAsync(TestPhones.Alice);
        Assert.Equal((ConsentStatus.OptedIn, Dina, DeliveryChannel.Both), (subscriber?.Status, subscriber?.Addresses.Email, subscriber?.Preferences.Channel));
        Assert.Null(subscriber?.EmailConfirmedAt);
        var entry = (await _mail.Store.GetHistoryAsync(TestPhones.Alice))[^1];
        Assert.Equal((ConsentSource.WhatsAppKeyword, "EMAIL dina@example.org", ConsentNames.EmailLinked), (entry.Source, entry.Evidence.Keyword, entry.Evidence.EmailState));
        Assert.Equal(Dina, Assert.Single(_mail.Mail.Sends).To);
    }

    [Theory]
    [InlineData(DeliveryChannel.Both, "Email: d***@example.org, every day too.")]
    [InlineData(DeliveryChannel.Fallback, "Email: d***@example.org, on days WhatsApp cannot deliver.")]
    public async Task Status_names_the_address_and_what_it_receives(DeliveryChannel channel, string line)
    {
        await _mail.JoinAsync(TestPhones.Alice);
        Assert.DoesNotContain("Email:", (await InboundAsync("STATUS")).Body, StringComparison.Ordinal);
        await InboundAsync("EMAIL dina@example.org");
        Assert.Contains("Email: d***@example.org, waiting for you to open the confirmation link", (await InboundAsync("STATUS")).Body, StringComparison.Ordinal);

        await _mail.LinkedAsync(TestPhones.Alice, channel);

        Assert.Contains(line, (await InboundAsync("STATUS")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_on_whatsapp_from_an_unknown_number_says_join_first_and_writes_nothing()
    {
        var reply = await InboundAsync("EMAIL dina@example.org");

        Assert.StartsWith("REPLY:You're not subscribed", reply.Body, StringComparison.Ordinal);
        Assert.Null(await _mail.Store.GetAsync(TestPhones.Alice));
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        Assert.Empty(_mail.Mail.Sends);
    }

    [Theory]
    [InlineData("EMAIL not-an-address", "not an email address")]
    [InlineData("EMAIL", "empty")]
    public async Task Email_on_whatsapp_without_a_usable_address_replies_with_the_problem_and_changes_nothing(string text, string problem)
    {
        await _mail.JoinAsync(TestPhones.Alice);
        var before = (await _mail.Store.GetAsync(TestPhones.Alice))!;

        var reply = await InboundAsync(text);

        Assert.StartsWith("REPLY:Nothing was changed.", reply.Body, StringComparison.Ordinal);
        Assert.Contains(problem, reply.Body, StringComparison.Ordinal);
        Assert.Contains("EMAIL dina@example.org", reply.Body, StringComparison.Ordinal);
        var after = await _mail.Store.GetAsync(TestPhones.Alice);
        Assert.Equal(before with { LastInboundAt = after?.LastInboundAt }, after);
        Assert.Empty(_mail.Mail.Sends);
    }

    [Fact]
    public async Task Email_on_whatsapp_where_mail_is_not_set_up_says_so_and_changes_nothing()
    {
        using var off = new MailEndpoints(withSender: false);
        await off.JoinAsync(TestPhones.Alice);

        var reply = await off.Core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B15550000101&text=EMAIL+dina%40example.org", Signed);

        Assert.StartsWith("REPLY:Email is not available", reply.Body, StringComparison.Ordinal);
        Assert.Null((await off.Store.GetAsync(TestPhones.Alice))?.Addresses.Email);
    }

    private Task<EndpointResponse> PostJsonAsync(string json) => _mail.Core.SendAsync("POST", RoutePaths.Consent, Json, json, Browser);

    private Task<EndpointResponse> InboundAsync(string text) =>
        _mail.Core.SendAsync("POST", RoutePaths.Consent, Form, $"sender=%2B15550000101&text={Uri.EscapeDataString(text)}&id=IN-7", Signed);

    private static JsonElement Parse(EndpointResponse response) => JsonDocument.Parse(response.Body).RootElement;
}
