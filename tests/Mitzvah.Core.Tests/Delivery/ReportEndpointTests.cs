using System.Text.Json;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>The report route: guarded by the send token, counted from the ledger as the callbacks left it.</summary>
public sealed class ReportEndpointTests : IDisposable
{
    private static readonly KeyValuePair<string, string>[] Bearer = [KeyValuePair.Create("Authorization", "Bearer " + CoreEndpoints.SendToken)];
    private static readonly DateOnly Wednesday = new(2026, 11, 25);
    private readonly CoreEndpoints _core = new(new Dictionary<string, string?> { ["SEND_TOKEN"] = CoreEndpoints.SendToken });

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task Without_a_configured_token_the_report_does_not_exist()
    {
        using var core = new CoreEndpoints();

        var response = await core.SendAsync("GET", RoutePaths.Report, headers: Bearer);

        Assert.Equal(404, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer guess")]
    public async Task A_missing_or_wrong_token_is_401(string? authorization)
    {
        var headers = authorization is null ? [] : new[] { KeyValuePair.Create("Authorization", authorization) };

        var response = await _core.SendAsync("GET", RoutePaths.Report, headers: headers);

        Assert.Equal(401, response.StatusCode);
        Assert.Equal("Bearer", response.Headers["WWW-Authenticate"]);
    }

    [Fact]
    public async Task Post_is_405_and_a_bad_date_400_with_an_example()
    {
        var post = await _core.SendAsync("POST", RoutePaths.Report, headers: Bearer);
        var bad = await _core.SendAsync("GET", RoutePaths.Report, headers: Bearer, query: "date=25/11/2026");

        Assert.Equal(405, post.StatusCode);
        Assert.Equal("GET", post.Headers["Allow"]);
        Assert.Equal(400, bad.StatusCode);
        Assert.Contains("like 2026-12-01", bad.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_counts_what_the_callbacks_recorded_for_today_by_default()
    {
        await SentAsync(TestPhones.Alice, "SM1", DeliveryStatus.Read, null);
        await SentAsync(TestPhones.Bob, "SM2", DeliveryStatus.Undelivered, "63016");
        await SentAsync(TestPhones.Numbered(3), "SM3", null, null);

        var response = await _core.SendAsync("GET", RoutePaths.Report, headers: Bearer);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
        using var json = JsonDocument.Parse(response.Body);
        var root = json.RootElement;
        Assert.Equal("2026-11-25", root.GetProperty("date").GetString());
        Assert.Equal(3, root.GetProperty("accepted").GetInt32());
        Assert.Equal(1, root.GetProperty("delivered").GetInt32());
        Assert.Equal(1, root.GetProperty("read").GetInt32());
        Assert.Equal(1, root.GetProperty("failed").GetInt32());
        Assert.Equal(1, root.GetProperty("pending").GetInt32());
        Assert.Equal(1, root.GetProperty("errors").GetProperty("63016").GetInt32());
    }

    [Fact]
    public async Task A_rest_day_reports_the_message_that_carried_it()
    {
        var friday = new DateOnly(2026, 11, 27);
        await SentAsync(TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, friday);

        var response = await _core.SendAsync("GET", RoutePaths.Report, headers: Bearer, query: "date=2026-11-28");

        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("2026-11-28", json.RootElement.GetProperty("date").GetString());
        Assert.Equal("2026-11-27", json.RootElement.GetProperty("carriedBy").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("delivered").GetInt32());
    }

    [Fact]
    public async Task A_date_outside_the_cycle_is_400()
    {
        var response = await _core.SendAsync("GET", RoutePaths.Report, headers: Bearer, query: "date=1980-01-01");

        Assert.Equal(400, response.StatusCode);
    }

    private async Task SentAsync(string phone, string messageId, DeliveryStatus? status, string? errorCode, DateOnly? date = null)
    {
        var day = date ?? Wednesday;
        var now = _core.Time.GetUtcNow();
        var claim = await _core.Ledger.TryClaimAsync(day, phone, now, TimeSpan.FromMinutes(5));
        Assert.True(await _core.Ledger.MarkSentAsync(day, phone, claim!.ClaimId, messageId, now));
        if (status is { } reported)
        {
            Assert.True(await _core.Ledger.RecordStatusAsync(day, phone, messageId, reported, errorCode, now));
        }
    }
}
