using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Tests.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mitzvah.Core.Tests.Consent;

/// <summary>Web opt-ins wait for the number's owner; the limit per client address; unreachable numbers that write again.</summary>
public sealed class WebOptInConfirmationTests : IDisposable
{
    private const string Phone = "+14155552671";
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";
    private const string OptIn = "{\"phone\":\"+14155552671\",\"consent\":true}";
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly CoreEndpoints _core = new(
        new Dictionary<string, string?> { ["MITZVAH_WEB_OPTINS_PER_HOUR"] = "3" },
        services => services.Configure<ConsentOptions>(options => options.WhatsAppNumber = "+14155550100"));

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_web_opt_in_is_pending_receives_nothing_and_answers_with_the_one_tap_confirmation()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Json, OptIn, [KeyValuePair.Create("User-Agent", "Browser/1")]);

        Assert.Equal(200, response.StatusCode);
        var body = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("pending", body.GetProperty("status").GetString());
        Assert.Equal("https://wa.me/14155550100?text=JOIN%20MITZVAH", body.GetProperty("confirmUrl").GetString());
        Assert.Contains("send JOIN MITZVAH to +14155550100", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        var subscriber = await _core.Store.GetAsync(Phone);
        Assert.Equal(ConsentStatus.Pending, subscriber?.Status);
        Assert.Equal(_core.Time.GetUtcNow() + TimeSpan.FromHours(72), subscriber?.PendingExpiresAt);
        Assert.Equal(0, await _core.Store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(0, await _core.Get<IRecipientSource>().CountAsync());
        var entry = Assert.Single(await _core.Store.GetHistoryAsync(Phone));
        Assert.Equal(new ConsentEvidence(ConsentTextVersion: "2026-11-25", IpAddress: "10.0.0.9", UserAgent: "Browser/1"), entry.Evidence);
    }

    [Fact]
    public async Task The_owners_join_confirms_with_its_own_evidence_and_status_before_tells_what_to_do()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Json, OptIn);

        var status = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=STATUS", Signed);
        var join = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=YES&id=IN-9", Signed);

        Assert.Contains("reply JOIN MITZVAH to start", status.Body, StringComparison.Ordinal);
        Assert.StartsWith("REPLY:You're subscribed to Daily Mitzvah", join.Body, StringComparison.Ordinal);
        var history = await _core.Store.GetHistoryAsync(Phone);
        Assert.Equal([ConsentStatus.Pending, ConsentStatus.OptedIn], history.Select(entry => entry.Status));
        Assert.Equal((ConsentSource.WhatsAppKeyword, "YES", "IN-9"), (history[1].Source, history[1].Evidence.Keyword, history[1].Evidence.MessageId));
        Assert.Equal(1, await _core.Get<IRecipientSource>().CountAsync());
    }

    [Fact]
    public async Task A_lapsed_request_is_as_if_never_made_and_a_subscribed_number_stays_subscribed()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Json, OptIn);
        _core.Time.Advance(TimeSpan.FromHours(72));

        var status = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=STATUS", Signed);
        await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=JOIN", Signed);
        var again = await _core.SendAsync("POST", RoutePaths.Consent, Json, OptIn);

        Assert.Contains("You're not subscribed", status.Body, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"opted_in\"", again.Body, StringComparison.Ordinal);
        Assert.Contains("already subscribed", again.Body, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await _core.Store.GetAsync(Phone))?.Status);
        Assert.Equal(2, (await _core.Store.GetHistoryAsync(Phone)).Count);
    }

    [Fact]
    public async Task Opt_ins_beyond_the_limit_from_one_address_are_429_with_retry_after_and_write_nothing()
    {
        _core.Time.Advance(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await _core.SendAsync("POST", RoutePaths.Consent, Json, $"{{\"phone\":\"+1415555267{i}\",\"consent\":true}}")).StatusCode);
        }

        var refused = await _core.SendAsync("POST", RoutePaths.Consent, Json, "{\"phone\":\"+14155552679\",\"consent\":true}");
        var optOut = await _core.SendAsync("POST", RoutePaths.Consent, Json, "{\"phone\":\"+14155552670\",\"action\":\"optout\"}");

        Assert.Equal(429, refused.StatusCode);
        Assert.Equal("2700", refused.Headers["Retry-After"]);
        Assert.Contains("try again in 45 minutes", refused.Body, StringComparison.Ordinal);
        Assert.Null(await _core.Store.GetAsync("+14155552679"));
        Assert.Equal(200, optOut.StatusCode);
        Assert.Equal(ConsentStatus.OptedOut, (await _core.Store.GetAsync("+14155552670"))?.Status);
    }

    [Fact]
    public void A_bad_limit_setting_is_refused_naming_it()
    {
        using var core = new CoreEndpoints(new Dictionary<string, string?> { ["MITZVAH_WEB_OPTINS_PER_HOUR"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => core.Get<IOptions<ConsentOptions>>().Value);

        Assert.Contains("MITZVAH_WEB_OPTINS_PER_HOUR", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_confirmation_is_sent_once_per_request()
    {
        var sender = new RecordingConfirmation();
        using var core = new CoreEndpoints(configure: services => services.AddSingleton<IConsentConfirmationSender>(sender));

        var first = await core.SendAsync("POST", RoutePaths.Consent, Json, OptIn);
        await core.SendAsync("POST", RoutePaths.Consent, Json, OptIn);

        Assert.Equal([Phone], sender.Sent);
        Assert.Contains("replying YES there confirms too", first.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_number_that_writes_is_cleared_and_status_says_why_it_was_paused()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=JOIN", Signed);
        await _core.Store.RecordReachabilityAsync(new ReachabilityChange
        {
            Phone = Phone, Unreachable = true, ErrorCode = "63024", Actor = "delivery-status", Note = "3 days", At = _core.Time.GetUtcNow(),
        });
        Assert.Equal(0, await _core.Get<IRecipientSource>().CountAsync());

        var status = await _core.SendAsync("POST", RoutePaths.Consent, Form, "sender=%2B14155552671&text=STATUS&id=IN-2", Signed);

        Assert.Contains("were paused because they could not be delivered", status.Body, StringComparison.Ordinal);
        Assert.Contains("Your message just now resumed them", status.Body, StringComparison.Ordinal);
        Assert.False((await _core.Store.GetAsync(Phone))?.IsUnreachable);
        Assert.Equal(1, await _core.Get<IRecipientSource>().CountAsync());
        var last = (await _core.Store.GetHistoryAsync(Phone))[^1];
        Assert.Equal((ConsentNames.Reachable, "IN-2"), (last.Evidence.DeliveryState, last.Evidence.MessageId));
    }

    private sealed class RecordingConfirmation : IConsentConfirmationSender
    {
        public List<string> Sent { get; } = [];

        public bool IsEnabled => true;

        public Task<SendOutcome> SendConfirmationAsync(string phone, CancellationToken cancellationToken = default)
        {
            Sent.Add(phone);
            return Task.FromResult(SendOutcome.Sent("CONFIRM-1"));
        }
    }
}
