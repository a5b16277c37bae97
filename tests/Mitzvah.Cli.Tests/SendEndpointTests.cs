using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Cli.Tests;

/// <summary>The manual trigger at <c>/api/send</c> of <c>mitzvah serve</c>, over real HTTP.</summary>
public sealed class SendEndpointTests : IAsyncLifetime
{
    private const string Token = "send-token-0123456789abcdef";
    private static readonly DateOnly SendDay = new(2026, 11, 25);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"mitzvah-api-send-{Guid.NewGuid():N}");
    private LocalServer? _server;
    private HttpClient? _http;

    private string Outbox => Path.Combine(_directory, "outbox");

    private HttpClient Http => _http!;

    public async Task InitializeAsync() => await StartAsync(Token);

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_right_token_runs_the_send_and_returns_the_summary()
    {
        await SubscribeAsync(TestPhones.Alice, TestPhones.Bob);

        using var response = await PostAsync("""{"test_date":"2026-11-25"}""", bearer: Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("2026-11-25", summary.GetProperty("studyDate").GetString());
        Assert.Equal(2, summary.GetProperty("sent").GetInt32());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(Outbox, "2026-11-25")).Length);
        var ledger = _server!.Services.GetRequiredService<IDeliveryLedger>();
        Assert.All(await ledger.ListAsync(SendDay), record => Assert.Equal(DeliveryState.Sent, record.State));
    }

    [Fact]
    public async Task X_Send_Token_header_and_query_fields_work_too()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/send?test_date=2026-11-25&test_recipient=%2B14155552671&dry_run=true");
        request.Headers.Add("X-Send-Token", Token);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(summary.GetProperty("dryRun").GetBoolean());
        Assert.Equal("+1415***2671", summary.GetProperty("testRecipient").GetString());
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task A_test_recipient_gets_the_message_outside_the_ledger()
    {
        using var response = await PostAsync("""{"test_date":"2026-11-25","test_recipient":"+1 415 555 2671"}""", bearer: Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Directory.GetFiles(Path.Combine(Outbox, "2026-11-25"), "+14155552671_*.txt"));
        Assert.Empty(await _server!.Services.GetRequiredService<IDeliveryLedger>().ListAsync(SendDay));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("")]
    public async Task A_missing_or_wrong_token_is_401_and_nothing_is_sent(string? bearer)
    {
        await SubscribeAsync(TestPhones.Alice);

        using var response = await PostAsync("""{"test_date":"2026-11-25"}""", bearer);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("send token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task The_web_forms_token_does_not_open_the_trigger()
    {
        await RestartAsync(Token, webhookToken: "web-form-token-0123456789");

        using var response = await PostAsync("{}", bearer: "web-form-token-0123456789");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Without_SEND_TOKEN_the_trigger_is_disabled()
    {
        await RestartAsync(sendToken: null);
        await SubscribeAsync(TestPhones.Alice);

        using var response = await PostAsync("{}", bearer: Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("SEND_TOKEN", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Theory]
    [InlineData("""{"test_date":"25/11/2026"}""", "application/json", 400, "is not a date like")]
    [InlineData("""{"test_date":"1900-01-01"}""", "application/json", 400, "1984-04-29")]
    [InlineData("""{"test_recipient":"555"}""", "application/json", 400, "test_recipient is not a phone number")]
    [InlineData("""{"dry_run":"perhaps"}""", "application/json", 400, "dry_run must be true or false")]
    [InlineData("""[1,2]""", "application/json", 400, "not a valid JSON object")]
    [InlineData("test_date=2026-11-25", "text/plain", 415, "Send JSON")]
    public async Task Bad_requests_get_a_clear_error(string body, string contentType, int status, string message)
    {
        using var response = await PostAsync(body, Token, contentType);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Outbox));
    }

    [Fact]
    public async Task Get_is_405()
    {
        using var response = await Http.GetAsync(new Uri("/api/send", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("POST", response.Content.Headers.Allow.Single());
    }

    private async Task<HttpResponseMessage> PostAsync(string body, string? bearer, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/send")
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await Http.SendAsync(request);
    }

    private async Task SubscribeAsync(params string[] phones)
    {
        var store = _server!.Services.GetRequiredService<ISubscriberStore>();
        foreach (var phone in phones)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());
        }
    }

    private async Task RestartAsync(string? sendToken, string? webhookToken = null)
    {
        _http?.Dispose();
        await _server!.DisposeAsync();
        await StartAsync(sendToken, webhookToken);
    }

    private async Task StartAsync(string? sendToken, string? webhookToken = null)
    {
        Directory.CreateDirectory(_directory);
        var configuration = CliServices.Configuration(new Dictionary<string, string?>
        {
            ["SEND_TOKEN"] = sendToken,
            ["WEBHOOK_TOKEN"] = webhookToken,
            ["MITZVAH_OUTBOX"] = Outbox,
        });
        _server = await LocalServer.StartAsync(configuration, Path.Combine(_directory, $"{Guid.NewGuid():N}.db"), 0, TextWriter.Null);
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }
}
