using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>A freeform message refused outside the 24-hour window is resent as the template once, from its callback.</summary>
public sealed class DeliveryStatusResendTests : IDisposable
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string FreeformId = "MSG-free";
    private const string Refused = "id=MSG-free&status=undelivered&error=63016&kind=TemplateRequired&to=%2B15550000101";
    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly CoreEndpoints _core = new();

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task With_a_template_the_refused_message_is_resent_as_the_template_on_the_same_item()
    {
        _core.Messenger.HasTemplate = true;
        var sent = await SentAsync(MessageForm.Freeform);
        _core.Time.Advance(TimeSpan.FromMinutes(1));

        var response = await CallbackAsync(Refused);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("resent", Json(response).GetProperty("resend").GetString());
        var resend = Assert.Single(_core.Messenger.Sends);
        Assert.Equal(MessageForm.Template, resend.Form);
        Assert.Equal(TestPhones.Alice, resend.Phone);
        Assert.Equal(Day, resend.Message.Date);
        var stored = await _core.Ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryState.Sent, stored!.State);
        Assert.Equal(resend.Outcome!.MessageId, stored.MessageId);
        Assert.Equal(MessageForm.Template, stored.Form);
        Assert.True(stored.ResentAsTemplate);
        Assert.Null(stored.DeliveryStatus);
        Assert.Equal(sent.Attempts + 1, stored.Attempts);

        // The template's own callbacks are recorded on the item as usual.
        var delivered = await CallbackAsync($"id={stored.MessageId}&status=delivered&to=%2B15550000101");
        Assert.True(Json(delivered).GetProperty("applied").GetBoolean());
        Assert.Equal(DeliveryStatus.Delivered, (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!.DeliveryStatus);
    }

    [Fact]
    public async Task Duplicate_concurrent_callbacks_of_the_refusal_resend_exactly_once()
    {
        _core.Messenger.HasTemplate = true;
        await SentAsync(MessageForm.Freeform);
        var failed = Refused.Replace("status=undelivered", "status=failed", StringComparison.Ordinal);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => CallbackAsync(i % 2 == 0 ? Refused : failed))));

        Assert.All(responses, response => Assert.Equal(200, response.StatusCode));
        Assert.Single(responses, response => Json(response).GetProperty("resend").GetString() == "resent");
        var resend = Assert.Single(_core.Messenger.Sends);
        Assert.Equal(MessageForm.Template, resend.Form);
        Assert.Equal(resend.Outcome!.MessageId, (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!.MessageId);
    }

    [Fact]
    public async Task A_refusal_repeated_after_the_resend_sends_nothing_more()
    {
        _core.Messenger.HasTemplate = true;
        await SentAsync(MessageForm.Freeform);
        await CallbackAsync(Refused);

        var again = await CallbackAsync(Refused);

        Assert.Equal("not-resent", Json(again).GetProperty("resend").GetString());
        Assert.Single(_core.Messenger.Sends);
    }

    [Fact]
    public async Task Without_a_template_nothing_is_resent_and_the_refusal_is_recorded()
    {
        await SentAsync(MessageForm.Freeform);

        var response = await CallbackAsync(Refused);

        Assert.Equal("no-template", Json(response).GetProperty("resend").GetString());
        Assert.Empty(_core.Messenger.Sends);
        var stored = await _core.Ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryStatus.Undelivered, stored!.DeliveryStatus);
        Assert.Equal("63016", stored.DeliveryErrorCode);
        Assert.False(stored.ResentAsTemplate);
    }

    [Fact]
    public async Task A_template_refused_with_the_same_kind_is_not_resent()
    {
        _core.Messenger.HasTemplate = true;
        await SentAsync(MessageForm.Template);

        var response = await CallbackAsync(Refused);

        Assert.Equal("not-resent", Json(response).GetProperty("resend").GetString());
        Assert.Empty(_core.Messenger.Sends);
    }

    [Fact]
    public async Task A_failed_resend_is_left_failed_for_a_later_run_and_marked_resent()
    {
        _core.Messenger.HasTemplate = true;
        _core.Messenger.Script(TestPhones.Alice, SendOutcome.Failed(SendFailureKind.Transient, "20503", "server error"));
        await SentAsync(MessageForm.Freeform);

        var response = await CallbackAsync(Refused);

        Assert.Equal("resend-failed", Json(response).GetProperty("resend").GetString());
        var stored = await _core.Ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryState.Failed, stored!.State);
        Assert.Equal("20503", stored.ErrorCode);
        Assert.False(stored.Permanent);
        Assert.True(stored.ResentAsTemplate);
    }

    [Fact]
    public async Task Other_failures_are_not_resent_and_a_messaging_limit_is_logged_as_an_error()
    {
        _core.Messenger.HasTemplate = true;
        await SentAsync(MessageForm.Freeform);

        var response = await CallbackAsync("id=MSG-free&status=failed&error=63018&kind=MessagingLimit&to=%2B15550000101");

        Assert.False(Json(response).TryGetProperty("resend", out _));
        Assert.Empty(_core.Messenger.Sends);
        var error = Assert.Single(_core.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("messaging limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("+1555***0101", error.Message, StringComparison.Ordinal);
        Assert.Equal("63018", (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!.DeliveryErrorCode);
    }

    [Fact]
    public async Task A_code_in_no_table_is_recorded_verbatim()
    {
        _core.Messenger.HasTemplate = true;
        await SentAsync(MessageForm.Freeform);

        await CallbackAsync("id=MSG-free&status=failed&error=63999&to=%2B15550000101");

        Assert.Equal("63999", (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!.DeliveryErrorCode);
        Assert.Empty(_core.Messenger.Sends);
    }

    [Fact]
    public async Task A_refusal_that_arrives_after_the_subscribers_candle_lighting_is_not_resent_on_shabbat()
    {
        _core.Messenger.HasTemplate = true;
        var friday = new DateOnly(2026, 11, 27);
        await _core.Store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(_core.Time.GetUtcNow()).Build() with
        {
            Preferences = new DeliveryPreferences { TimeZone = "Europe/London" },
        });
        var claim = await _core.Ledger.TryClaimAsync(friday, TestPhones.Alice, _core.Time.GetUtcNow(), TimeSpan.FromMinutes(5));
        Assert.True(await _core.Ledger.MarkSentAsync(friday, TestPhones.Alice, claim!.ClaimId, FreeformId, _core.Time.GetUtcNow(), MessageForm.Freeform));

        // Candles in London on 27 November 2026 are at about 15:40 GMT; the refusal comes at 16:30.
        _core.Time.SetUtcNow(new DateTimeOffset(2026, 11, 27, 16, 30, 0, TimeSpan.Zero));
        var response = await _core.SendAsync("POST", RoutePaths.Status, Form, Refused, Signed, "date=2026-11-27");

        Assert.Equal("not-resent", Json(response).GetProperty("resend").GetString());
        Assert.Empty(_core.Messenger.Sends);
    }

    private async Task<DeliveryRecord> SentAsync(MessageForm form)
    {
        var now = _core.Time.GetUtcNow();
        var claim = await _core.Ledger.TryClaimAsync(Day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        Assert.True(await _core.Ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, FreeformId, now, form));
        return (await _core.Ledger.GetAsync(Day, TestPhones.Alice))!;
    }

    private Task<EndpointResponse> CallbackAsync(string body) =>
        _core.SendAsync("POST", RoutePaths.Status, Form, body, Signed, "date=2026-11-25");

    private static JsonElement Json(EndpointResponse response) => JsonDocument.Parse(response.Body).RootElement;
}
