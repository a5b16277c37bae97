using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Endpoints;

namespace Mitzvah.Core.Tests.Consent;

/// <summary>The consent endpoint's own decisions, on in-memory adapters and a provider of the tests' own.</summary>
public sealed class ConsentEndpointTests : IDisposable
{
    private const string Phone = "+14155552671";
    private const string Form = "application/x-www-form-urlencoded";
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly CoreEndpoints _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_verified_join_subscribes_with_the_messages_evidence_and_the_adapter_renders_the_reply()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, $"sender=%2B14155552671&text=JOIN+MITZVAH&id=IN-1", Signed);

        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("REPLY:You're subscribed to Daily Mitzvah", response.Body, StringComparison.Ordinal);
        var entry = Assert.Single(await _core.Store.GetHistoryAsync(Phone));
        Assert.Equal(ConsentStatus.OptedIn, entry.Status);
        Assert.Equal(ConsentSource.WhatsAppKeyword, entry.Source);
        Assert.Equal(new ConsentEvidence(Keyword: "JOIN MITZVAH", MessageId: "IN-1", To: "+14155550100"), entry.Evidence);
        Assert.Equal(_core.Time.GetUtcNow(), entry.RecordedAt);
    }

    [Fact]
    public async Task Every_inbound_message_records_when_the_sender_last_wrote_whatever_it_says()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=JOIN", Signed);
        var joinedAt = _core.Time.GetUtcNow();
        Assert.Equal(joinedAt, (await _core.Store.GetAsync(Phone))!.LastInboundAt);

        _core.Time.Advance(TimeSpan.FromHours(30));
        var reply = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=thank+you", Signed);

        Assert.Equal(200, reply.StatusCode);
        var subscriber = await _core.Store.GetAsync(Phone);
        Assert.Equal(joinedAt.AddHours(30), subscriber!.LastInboundAt);
        Assert.Equal(joinedAt, subscriber.UpdatedAt);
        Assert.Equal(1, subscriber.Version);
    }

    [Fact]
    public async Task An_inbound_message_from_an_unknown_number_that_is_not_a_keyword_creates_no_subscriber()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=hello", Signed);

        Assert.Equal(200, response.StatusCode);
        Assert.Null(await _core.Store.GetAsync(Phone));
    }

    [Fact]
    public async Task A_refused_webhook_is_403_and_writes_nothing()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=JOIN", [KeyValuePair.Create("X-Test-Signature", "bad")]);

        Assert.Equal(403, response.StatusCode);
        Assert.Contains("test signature is wrong", response.Body, StringComparison.Ordinal);
        Assert.Null(await _core.Store.GetAsync(Phone));
    }

    [Theory]
    [InlineData("sender=%2B14155552671", "no text")]
    [InlineData("sender=not-a-phone&text=JOIN", "not a phone number")]
    public async Task A_verified_webhook_core_cannot_use_is_400_and_writes_nothing(string body, string message)
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, body, Signed);

        Assert.Equal(400, response.StatusCode);
        Assert.Contains(message, response.Body, StringComparison.Ordinal);
        Assert.Equal(0, await _core.Store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(0, await _core.Store.CountAsync(ConsentStatus.OptedOut));
    }

    [Fact]
    public async Task Stop_then_status_replies_through_the_adapter_and_history_keeps_both()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=JOIN", Signed);
        _core.Time.Advance(TimeSpan.FromDays(3));

        var stop = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=stop+please", Signed);
        var status = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=STATUS", Signed);

        Assert.StartsWith("REPLY:You're unsubscribed", stop.Body, StringComparison.Ordinal);
        Assert.StartsWith("REPLY:You're not subscribed", status.Body, StringComparison.Ordinal);
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut], (await _core.Store.GetHistoryAsync(Phone)).Select(entry => entry.Status));
    }

    [Fact]
    public async Task A_web_opt_in_records_the_client_behind_the_front_end_the_user_agent_and_the_consent_version()
    {
        var response = await _core.SendAsync(
            "POST",
            RoutePaths.Consent,
            "application/json",
            """{"phone":"+14155552671","consent":true}""",
            [KeyValuePair.Create("X-Forwarded-For", "203.0.113.7, 10.0.0.1"), KeyValuePair.Create("User-Agent", "TestBrowser/1.0")]);

        Assert.Equal(200, response.StatusCode);
        var entry = Assert.Single(await _core.Store.GetHistoryAsync(Phone));
        Assert.Equal(ConsentSource.WebForm, entry.Source);
        Assert.Equal("203.0.113.7", entry.Evidence.IpAddress);
        Assert.Equal("TestBrowser/1.0", entry.Evidence.UserAgent);
        Assert.Equal(new ConsentOptions().ConsentTextVersion, entry.Evidence.ConsentTextVersion);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("+1415***2671", json.RootElement.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task A_web_form_is_not_mistaken_for_the_webhook()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, "phone=%2B14155552671&consent=on");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ConsentSource.WebForm, (await _core.Store.GetAsync(Phone))!.Source);
    }

    [Fact]
    public async Task Get_is_the_health_report_naming_store_and_messenger()
    {
        var response = await _core.SendAsync("GET", RoutePaths.Consent);

        Assert.Equal(200, response.StatusCode);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("in-memory", json.RootElement.GetProperty("store").GetString());
        Assert.Equal("in-memory", json.RootElement.GetProperty("messenger").GetString());
        Assert.Equal(_core.Time.GetUtcNow(), json.RootElement.GetProperty("time").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("PUT", "application/json", "{}", 405)]
    [InlineData("POST", "text/plain", "JOIN", 415)]
    [InlineData("POST", Form, "phone=%zz", 400)]
    [InlineData("POST", "application/json", "[1]", 400)]
    public async Task Transport_mistakes_are_answered_with_their_status_and_a_sentence(string method, string contentType, string body, int status)
    {
        var response = await _core.SendAsync(method, RoutePaths.Consent, contentType, body);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains("\"error\":", response.Body, StringComparison.Ordinal);
    }
}
