using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Testing.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Cli.Tests;

/// <summary>Twilio's status callbacks to <c>mitzvah serve</c>, signed as Twilio signs them, over real HTTP into SQLite.</summary>
public sealed class LocalServerStatusCallbackTests : IAsyncLifetime
{
    private const string AuthToken = "local-status-auth-token";
    private const string MessageSid = "SM0123456789abcdef0123456789abcdef";
    private static readonly DateOnly Day = new(2026, 11, 25);
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-status-{Guid.NewGuid():N}.db");
    private LocalServer? _server;
    private HttpClient? _http;

    private IDeliveryLedger Ledger => _server!.Services.GetRequiredService<IDeliveryLedger>();

    private Uri CallbackUrl => new(_server!.BaseAddress, $"{RoutePaths.Status}?date=2026-11-25");

    public async Task InitializeAsync()
    {
        var configuration = CliServices.Configuration(new HostSettings(AuthToken, null).ToEnvironment());
        _server = await LocalServer.StartAsync(configuration, _databasePath, 0, TextWriter.Null);
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    [Fact]
    public async Task A_signed_callback_moves_the_sqlite_ledger_item_forward()
    {
        var sent = await SentAsync();
        var form = Callback("delivered");

        using var response = await PostAsync(form, TwilioSignature.Compute(AuthToken, CallbackUrl, form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await Ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryStatus.Delivered, stored?.DeliveryStatus);
        Assert.NotNull(stored?.DeliveryStatusAt);
        Assert.Equal(sent with { DeliveryStatus = stored!.DeliveryStatus, DeliveryStatusAt = stored.DeliveryStatusAt, UpdatedAt = stored.UpdatedAt }, stored);
    }

    [Fact]
    public async Task A_forged_callback_is_refused_and_writes_nothing()
    {
        var sent = await SentAsync();
        var form = Callback("failed");
        form["ErrorCode"] = "30008";

        using var forged = await PostAsync(form, TwilioSignature.Compute("not-the-token", CallbackUrl, form));
        using var unsigned = await PostAsync(form, signature: null);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        Assert.Equal(sent, await Ledger.GetAsync(Day, TestPhones.Alice));
    }

    private async Task<DeliveryRecord> SentAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var claim = await Ledger.TryClaimAsync(Day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        Assert.True(await Ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, MessageSid, now));
        return (await Ledger.GetAsync(Day, TestPhones.Alice))!;
    }

    private static Dictionary<string, string> Callback(string status) => new()
    {
        ["MessageSid"] = MessageSid,
        ["MessageStatus"] = status,
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "whatsapp:+14155550100",
        ["To"] = "whatsapp:" + TestPhones.Alice,
        ["ChannelPrefix"] = "whatsapp",
    };

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CallbackUrl)
        {
            Content = new StringContent(TwilioSignature.FormBody(form), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return await _http!.SendAsync(request);
    }
}
