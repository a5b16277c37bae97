using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Sending;

/// <summary>The manual trigger's own decisions, on in-memory adapters.</summary>
public sealed class SendEndpointTests : IDisposable
{
    private static readonly KeyValuePair<string, string>[] Bearer = [KeyValuePair.Create("Authorization", "Bearer " + CoreEndpoints.SendToken)];
    private readonly CoreEndpoints _core = new(new Dictionary<string, string?> { ["SEND_TOKEN"] = CoreEndpoints.SendToken });

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task Without_a_configured_token_the_trigger_does_not_exist()
    {
        using var core = new CoreEndpoints();

        var response = await core.SendAsync("POST", RoutePaths.Send, headers: Bearer);

        Assert.Equal(404, response.StatusCode);
        Assert.Contains("SEND_TOKEN is not set", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer guess")]
    [InlineData("Basic c2VuZA==")]
    public async Task A_missing_or_wrong_token_is_401_and_nothing_is_sent(string? authorization)
    {
        await SubscribeAsync(TestPhones.Alice);
        var headers = authorization is null ? [] : new[] { KeyValuePair.Create("Authorization", authorization) };

        var response = await _core.SendAsync("POST", RoutePaths.Send, headers: headers);

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(_core.Messenger.Sends);
    }

    [Fact]
    public async Task The_token_in_x_send_token_runs_one_tick_that_serves_every_due_subscriber_once()
    {
        // Wednesday 10:00 in Chicago, the operator's default send time.
        await SubscribeAsync(TestPhones.Alice);
        await SubscribeAsync(TestPhones.Bob);

        var first = await _core.SendAsync("POST", RoutePaths.Send, headers: [KeyValuePair.Create("X-Send-Token", CoreEndpoints.SendToken)]);
        var second = await _core.SendAsync("POST", RoutePaths.Send, headers: Bearer);

        Assert.Equal(200, first.StatusCode);
        Assert.Equal(2, Summary(first).GetProperty("sent").GetInt32());
        Assert.Equal("2026-11-25T16:00:00+00:00", Summary(first).GetProperty("tickAt").GetString());
        Assert.Equal(0, Summary(second).GetProperty("eligible").GetInt32());
        Assert.Equal(0, Summary(second).GetProperty("sent").GetInt32());
        Assert.Equal(2, _core.Messenger.Sends.Count);
        Assert.All(_core.Messenger.Sends, send => Assert.Equal(new DateOnly(2026, 11, 25), send.Message.Date));
    }

    [Fact]
    public async Task A_test_recipient_from_the_query_gets_that_dates_message_outside_the_ledger()
    {
        await SubscribeAsync(TestPhones.Alice);

        var response = await _core.SendAsync("POST", RoutePaths.Send, headers: Bearer, query: "test_date=2026-11-26&test_recipient=whatsapp%3A%2B14155550123");

        Assert.Equal(200, response.StatusCode);
        var send = Assert.Single(_core.Messenger.Sends);
        Assert.Equal("+14155550123", send.Phone);
        Assert.Equal(new DateOnly(2026, 11, 26), send.Message.Date);
        Assert.Empty(await _core.Ledger.ListAsync(new DateOnly(2026, 11, 26)));
    }

    [Fact]
    public async Task A_dry_run_counts_and_sends_nothing()
    {
        await SubscribeAsync(TestPhones.Alice);

        var response = await _core.SendAsync("POST", RoutePaths.Send, "application/json", """{"dry_run": true}""", Bearer);

        Assert.Equal(200, response.StatusCode);
        Assert.True(Summary(response).GetProperty("dryRun").GetBoolean());
        Assert.Empty(_core.Messenger.Sends);
    }

    [Theory]
    [InlineData("GET", null, "", 405, "use POST")]
    [InlineData("POST", "application/json", """{"test_date":"26/11/2026"}""", 400, "not a date like")]
    [InlineData("POST", "application/json", """{"test_date":"1900-01-01"}""", 400, "1984-04-29")]
    [InlineData("POST", "application/json", "{", 400, "not a valid JSON object")]
    [InlineData("POST", "text/plain", "go", 415, "Send JSON")]
    public async Task Bad_requests_are_refused_with_a_sentence_and_send_nothing(string method, string? contentType, string body, int status, string message)
    {
        await SubscribeAsync(TestPhones.Alice);

        var response = await _core.SendAsync(method, RoutePaths.Send, contentType, body, Bearer);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, response.Body, StringComparison.Ordinal);
        Assert.Empty(_core.Messenger.Sends);
    }

    private Task<ConsentChangeResult> SubscribeAsync(string phone) =>
        _core.Store.RecordConsentAsync(new ConsentChange(phone, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "test"), _core.Time.GetUtcNow()));

    private static JsonElement Summary(EndpointResponse response) => JsonDocument.Parse(response.Body).RootElement.Clone();
}
