using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>The loopback answers like Twilio's REST API, so that what the other tests learn from it holds for Twilio.</summary>
public sealed class LoopbackTwilioTests : IAsyncLifetime
{
    private LoopbackTwilio _loopback = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _loopback = await LoopbackTwilio.StartAsync();
        _http = new HttpClient { BaseAddress = _loopback.BaseUrl };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _loopback.DisposeAsync();
    }

    private string MessagesPath => $"/2010-04-01/Accounts/{_loopback.AccountSid}/Messages.json";

    private async Task<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)> SendAsync(HttpMethod method, string pathAndQuery, Dictionary<string, string>? form = null, string? token = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form);
        }

        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_loopback.AccountSid}:{token ?? _loopback.AuthToken}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        var response = await _http.SendAsync(request, cancellationToken);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    private static Dictionary<string, string> Form(string to, string body = "Hello") => new()
    {
        ["To"] = "whatsapp:" + to,
        ["From"] = "whatsapp:" + TestMessengers.Sender,
        ["Body"] = body,
    };

    [Fact]
    public async Task A_send_is_answered_201_with_a_queued_message_resource()
    {
        var before = DateTimeOffset.UtcNow;
        var (status, json, _) = await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice));
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Matches("^SM[0-9a-f]{32}$", json.GetProperty("sid").GetString());
        Assert.Equal(_loopback.AccountSid, json.GetProperty("account_sid").GetString());
        Assert.Equal("whatsapp:" + TestPhones.Alice, json.GetProperty("to").GetString());
        Assert.Equal("whatsapp:" + TestMessengers.Sender, json.GetProperty("from").GetString());
        Assert.Equal("Hello", json.GetProperty("body").GetString());
        Assert.Equal("queued", json.GetProperty("status").GetString());
        var created = DateTimeOffset.ParseExact(json.GetProperty("date_created").GetString()!, "ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        // Stamped when it was handled, in whole seconds as Twilio writes it.
        Assert.InRange(created, before.AddTicks(-(before.Ticks % TimeSpan.TicksPerSecond)), after);
        Assert.Equal(1, _loopback.CountTo(TestPhones.Alice));
    }

    [Fact]
    public async Task Wrong_credentials_are_answered_401_with_twilios_20003_and_nothing_is_recorded()
    {
        var (status, json, _) = await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice), token: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(20003, json.GetProperty("code").GetInt32());
        Assert.Equal(401, json.GetProperty("status").GetInt32());
        Assert.Equal("https://www.twilio.com/docs/errors/20003", json.GetProperty("more_info").GetString());
        Assert.Empty(_loopback.Accepted);
    }

    [Fact]
    public async Task A_send_without_to_is_refused_with_21604()
    {
        var form = Form(TestPhones.Alice);
        form.Remove("To");

        var (status, json, _) = await SendAsync(HttpMethod.Post, MessagesPath, form);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(21604, json.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task The_list_filters_by_recipient_and_answers_newest_first_in_twilios_page_shape()
    {
        await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice, "first"));
        await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Bob, "other"));
        await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice, "second"));

        var query = "?To=" + Uri.EscapeDataString("whatsapp:" + TestPhones.Alice) + "&PageSize=20";
        var (status, json, _) = await SendAsync(HttpMethod.Get, MessagesPath + query);

        Assert.Equal(HttpStatusCode.OK, status);
        var bodies = json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()).ToList();
        Assert.Equal(["second", "first"], bodies);
        Assert.Equal(0, json.GetProperty("page").GetInt32());
        Assert.Equal(20, json.GetProperty("page_size").GetInt32());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("next_page_uri").ValueKind);
        Assert.StartsWith(MessagesPath, json.GetProperty("uri").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_above_the_concurrency_limit_are_answered_429_with_retry_after()
    {
        _loopback.ConcurrencyLimit = 2;
        _loopback.Script(TestPhones.Numbered(0), LoopbackResponse.AcceptWithoutAnswer);
        _loopback.Script(TestPhones.Numbered(1), LoopbackResponse.AcceptWithoutAnswer);
        using var stop = new CancellationTokenSource();
        var held = new[] { 0, 1 }.Select(i => SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Numbered(i)), cancellationToken: stop.Token)).ToList();
        await _loopback.WaitUntilAsync(l => l.AcceptedCount == 2 && l.InFlight == 2, TimeSpan.FromSeconds(10));

        // Three more while the two are held, one after another, each once the previous one has left.
        var refused = new List<(HttpStatusCode Status, JsonElement Json, HttpResponseMessage Response)>();
        for (var i = 2; i < 5; i++)
        {
            refused.Add(await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Numbered(i))));
            await _loopback.WaitUntilAsync(l => l.InFlight == 2, TimeSpan.FromSeconds(10));
        }

        Assert.All(refused, a =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, a.Status);
            Assert.Equal("""{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}""", a.Json.GetRawText());
            Assert.Equal(TimeSpan.FromSeconds(1), a.Response.Headers.RetryAfter?.Delta);
        });
        Assert.Equal(3, _loopback.TooManyRequestsCount);
        Assert.Equal(3, _loopback.PeakInFlight);
        Assert.Equal(2, _loopback.AcceptedCount);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(held));
    }

    [Fact]
    public async Task Scripted_answers_are_used_in_order_then_sends_are_accepted_again()
    {
        _loopback.Script(TestPhones.Alice, LoopbackResponse.Unsubscribed, LoopbackResponse.ServerError(503));

        var first = await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice));
        var second = await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice));
        var third = await SendAsync(HttpMethod.Post, MessagesPath, Form(TestPhones.Alice));

        Assert.Equal((HttpStatusCode)400, first.Status);
        Assert.Equal(21610, first.Json.GetProperty("code").GetInt32());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.Status);
        Assert.Equal(HttpStatusCode.Created, third.Status);
        Assert.Equal(1, _loopback.CountTo(TestPhones.Alice));
        Assert.Equal(3, _loopback.RequestCount);
    }
}
