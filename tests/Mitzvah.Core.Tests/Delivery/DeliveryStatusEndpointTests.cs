using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>The status route through Core's router, on the in-memory ledger and a test provider.</summary>
public sealed class DeliveryStatusEndpointTests : IDisposable
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string MessageId = "MSG-1";
    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly CoreEndpoints _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_verified_callback_records_the_status_and_when_it_arrived()
    {
        var sent = await SentAsync();
        _core.Time.Advance(TimeSpan.FromSeconds(7));

        var response = await CallbackAsync("id=MSG-1&status=delivered&to=%2B15550000101");

        Assert.Equal(200, response.StatusCode);
        Assert.True(Json(response).GetProperty("applied").GetBoolean());
        var now = _core.Time.GetUtcNow();
        Assert.Equal(
            sent with { DeliveryStatus = DeliveryStatus.Delivered, DeliveryStatusAt = now, UpdatedAt = now },
            await _core.Ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task A_failure_records_its_error_code()
    {
        await SentAsync();

        var response = await CallbackAsync("id=MSG-1&status=undelivered&error=63024&to=%2B15550000101");

        Assert.Equal(200, response.StatusCode);
        var stored = await _core.Ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryStatus.Undelivered, stored?.DeliveryStatus);
        Assert.Equal("63024", stored?.DeliveryErrorCode);
    }

    [Fact]
    public async Task A_forged_callback_is_refused_writes_nothing_and_logs_a_masked_warning()
    {
        var sent = await SentAsync();

        var response = await CallbackAsync("id=MSG-1&status=failed&error=30008&to=%2B15550000101", signed: false);

        Assert.Equal(403, response.StatusCode);
        Assert.Equal(sent, await _core.Ledger.GetAsync(Day, TestPhones.Alice));
        var warning = Assert.Single(_core.Logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("+1555***0101", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPhones.Alice, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Late_and_repeated_callbacks_are_answered_200_and_change_nothing()
    {
        await SentAsync();
        await CallbackAsync("id=MSG-1&status=read&to=%2B15550000101");
        var read = await _core.Ledger.GetAsync(Day, TestPhones.Alice);
        _core.Time.Advance(TimeSpan.FromSeconds(3));

        var late = await CallbackAsync("id=MSG-1&status=delivered&to=%2B15550000101");
        var repeated = await CallbackAsync("id=MSG-1&status=read&to=%2B15550000101");

        Assert.Equal([200, 200], new[] { late.StatusCode, repeated.StatusCode });
        Assert.False(Json(late).GetProperty("applied").GetBoolean());
        Assert.False(Json(repeated).GetProperty("applied").GetBoolean());
        Assert.Equal(read, await _core.Ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task A_callback_of_another_message_is_answered_200_as_stale_and_ignored()
    {
        var sent = await SentAsync();

        var response = await CallbackAsync("id=MSG-earlier&status=failed&error=30008&to=%2B15550000101");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("stale", Json(response).GetProperty("status").GetString());
        Assert.Equal(sent, await _core.Ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task A_callback_for_no_ledger_item_is_answered_200_writes_nothing_and_is_logged()
    {
        var response = await CallbackAsync("id=MSG-1&status=delivered&to=%2B15550000102");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("unknown", Json(response).GetProperty("status").GetString());
        Assert.Empty(await _core.Ledger.ListAsync(Day));
        Assert.Contains(_core.Logs.Entries, e => e.Message.Contains("+1555***0102", StringComparison.Ordinal) && e.Message.Contains("no ledger item", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_status_the_ledger_does_not_track_is_answered_200()
    {
        var sent = await SentAsync();

        var response = await CallbackAsync("id=MSG-1&status=received&to=%2B15550000101");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(sent, await _core.Ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Theory]
    [InlineData("status=delivered&to=%2B15550000101", "date=2026-11-25")]
    [InlineData("id=MSG-1&status=delivered&to=not-a-phone", "date=2026-11-25")]
    [InlineData("id=MSG-1&status=delivered&to=%2B15550000101", "")]
    [InlineData("id=MSG-1&status=delivered&to=%2B15550000101", "date=25.11.2026")]
    public async Task A_verified_callback_missing_what_locates_the_item_is_400_and_writes_nothing(string body, string query)
    {
        var sent = await SentAsync();

        var response = await _core.SendAsync("POST", RoutePaths.Status, Form, body, Signed, query);

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(sent, await _core.Ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Other_methods_and_content_types_are_refused()
    {
        var get = await _core.SendAsync("GET", RoutePaths.Status);
        var json = await _core.SendAsync("POST", RoutePaths.Status, "application/json", "{}", Signed, "date=2026-11-25");

        Assert.Equal(405, get.StatusCode);
        Assert.Equal("POST", get.Headers["Allow"]);
        Assert.Equal(415, json.StatusCode);
    }

    [Fact]
    public void The_router_serves_the_route()
    {
        Assert.Contains(RoutePaths.Status, _core.Get<EndpointRouter>().Paths);
    }

    [Theory]
    [InlineData("https://mitzvah.example/api/status", "https://mitzvah.example/api/status?date=2026-11-25")]
    [InlineData("https://mitzvah.example/hooks/status?key=a%20b", "https://mitzvah.example/hooks/status?key=a%20b&date=2026-11-25")]
    public void The_callback_url_carries_the_study_date(string configured, string expected)
    {
        Assert.Equal(expected, DeliveryStatusEndpoint.CallbackUrl(new Uri(configured), Day).AbsoluteUri);
    }

    [Fact]
    public void The_default_callback_url_is_the_public_origins_status_path()
    {
        Assert.Equal(
            new Uri("https://mitzvah.example/api/status"),
            DeliveryStatusEndpoint.DefaultCallbackUrl(new Uri("https://mitzvah.example/api/consent")));
        Assert.Null(DeliveryStatusEndpoint.DefaultCallbackUrl(null));
    }

    private async Task<DeliveryRecord> SentAsync()
    {
        var now = _core.Time.GetUtcNow();
        var claim = await _core.Ledger.TryClaimAsync(Day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        Assert.True(await _core.Ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, MessageId, now));
        return (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!;
    }

    private Task<EndpointResponse> CallbackAsync(string body, bool signed = true) =>
        _core.SendAsync("POST", RoutePaths.Status, Form, body, signed ? Signed : [], "date=2026-11-25");

    private static JsonElement Json(EndpointResponse response) => JsonDocument.Parse(response.Body).RootElement;
}
