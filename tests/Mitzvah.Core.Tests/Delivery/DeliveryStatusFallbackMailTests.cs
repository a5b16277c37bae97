using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Tests.Mail;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>The fallback mail a failed status callback sends to a <see cref="DeliveryChannel.Fallback"/> subscriber.</summary>
public sealed class DeliveryStatusFallbackMailTests : IDisposable
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string NotDelivered = "id=MSG-1&status=failed&error=63049&kind=NotDeliveredToday&to=%2B15550000101";
    private static readonly DateOnly Day = new(2026, 11, 25);
    private static readonly string DinaKey = AddressKey.ForEmail(MailEndpoints.Dina);
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly MailEndpoints _mail = new();

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task A_message_not_delivered_today_sends_the_confirmed_fallback_address_the_days_mail_once()
    {
        var confirmation = await SentToAsync(DeliveryChannel.Fallback);

        var first = await CallbackAsync(NotDelivered);
        var duplicate = await CallbackAsync(NotDelivered);

        Assert.Equal((200, 200), (first.StatusCode, duplicate.StatusCode));
        Assert.Equal("sent", Json(first).GetProperty("fallback").GetString());
        Assert.False(Json(duplicate).GetProperty("applied").GetBoolean());
        var mail = Assert.Single(_mail.Mail.Sends.Skip(confirmation));
        Assert.Equal(MailEndpoints.Dina, mail.To);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        var record = await _mail.Core.Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Sent, MessageForm.FallbackEmail), (record?.State, record?.Form));
        Assert.Equal(DeliveryStatus.Failed, (await _mail.Core.Ledger.GetAsync(Day, TestPhones.Alice))?.DeliveryStatus);
    }

    [Fact]
    public async Task A_fallback_refused_for_now_is_finished_by_the_next_tick_once()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Fallback);
        var accepted = _mail.Mail.Accepted.Count;
        await SentAsync();
        _mail.Mail.FailNext(1, MailFailureKind.Transient, 421, "try again later");

        var response = await CallbackAsync(NotDelivered);

        Assert.Equal("retry", Json(response).GetProperty("fallback").GetString());
        Assert.Equal(_mail.Core.Time.GetUtcNow(), (await _mail.Store.GetAsync(TestPhones.Alice))?.NextSendAt);
        var service = _mail.Core.Get<DailySendService>();
        var at = _mail.Core.Time.GetUtcNow().AddMinutes(15);
        _mail.Core.Time.SetUtcNow(at);
        var tick = await service.RunAsync(new SendRequest(At: at));
        _mail.Core.Time.SetUtcNow(at.AddMinutes(15));
        var next = await service.RunAsync(new SendRequest(At: at.AddMinutes(15)));

        Assert.Equal((1, 1, 0), (tick.MailSent, tick.MailFallbacks, tick.Sent));
        Assert.Equal(0, next.MailSent);
        Assert.Equal(MailEndpoints.Dina, Assert.Single(_mail.Mail.Accepted.Skip(accepted)).To);
        var record = await _mail.Core.Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Sent, MessageForm.FallbackEmail, 2), (record?.State, record?.Form, record?.Attempts));
    }

    [Fact]
    public async Task A_fallback_subscriber_whose_whatsapp_message_went_through_gets_no_mail_from_a_tick()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Fallback);
        var accepted = _mail.Mail.Accepted.Count;
        var at = _mail.Core.Time.GetUtcNow().AddMinutes(15);
        _mail.Core.Time.SetUtcNow(at);

        var tick = await _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(At: at));

        Assert.Equal((1, 0), (tick.Sent, tick.MailSent));
        Assert.Equal(accepted, _mail.Mail.Accepted.Count);
        Assert.Null(await _mail.Core.Ledger.GetAsync(Day, DinaKey));
    }

    [Theory]
    [InlineData(DeliveryChannel.Both)]
    [InlineData(DeliveryChannel.WhatsApp)]
    public async Task Subscribers_not_on_the_fallback_channel_get_no_mail_from_a_failed_callback(DeliveryChannel channel)
    {
        var confirmation = await SentToAsync(channel);

        var response = await CallbackAsync(NotDelivered);

        Assert.Equal(200, response.StatusCode);
        Assert.False(Json(response).TryGetProperty("fallback", out _));
        Assert.Equal(confirmation, _mail.Mail.Sends.Count);
    }

    [Fact]
    public async Task An_unconfirmed_fallback_address_gets_no_mail()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.Subscriptions.SubscribeAsync(new Core.Mail.EmailSubscribeRequest(MailEndpoints.Dina, TestPhones.Alice, DeliveryChannel.Fallback, null, ConsentSource.WebForm, MailEndpoints.Browser));
        await SentAsync();

        var response = await CallbackAsync(NotDelivered);

        Assert.Equal(200, response.StatusCode);
        Assert.Single(_mail.Mail.Sends);
        Assert.Null(await _mail.Core.Ledger.GetAsync(Day, DinaKey));
    }

    [Fact]
    public async Task A_failure_reported_after_the_subscribers_day_has_ended_sends_no_late_mail()
    {
        var confirmation = await SentToAsync(DeliveryChannel.Fallback);

        // Midnight in Chicago, the operator's zone: 06:00 UTC on Thursday.
        _mail.Core.Time.SetUtcNow(new DateTimeOffset(2026, 11, 26, 6, 0, 0, TimeSpan.Zero));
        var response = await CallbackAsync(NotDelivered);

        Assert.True(Json(response).GetProperty("applied").GetBoolean());
        Assert.False(Json(response).TryGetProperty("fallback", out _));
        Assert.Equal(confirmation, _mail.Mail.Sends.Count);
    }

    [Fact]
    public async Task A_delivered_callback_sends_no_fallback()
    {
        var confirmation = await SentToAsync(DeliveryChannel.Fallback);

        await CallbackAsync("id=MSG-1&status=delivered&to=%2B15550000101");

        Assert.Equal(confirmation, _mail.Mail.Sends.Count);
    }

    /// <summary>Alice, subscribed with a confirmed address on <paramref name="channel"/>, whose WhatsApp message of the day went out; returns the mails sent so far.</summary>
    private async Task<int> SentToAsync(DeliveryChannel channel)
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, channel);
        var sends = _mail.Mail.Sends.Count;
        await SentAsync();
        return sends;
    }

    private async Task SentAsync()
    {
        var now = _mail.Core.Time.GetUtcNow();
        var claim = await _mail.Core.Ledger.TryClaimAsync(Day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        Assert.True(await _mail.Core.Ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, "MSG-1", now));
    }

    private Task<EndpointResponse> CallbackAsync(string body) =>
        _mail.Core.SendAsync("POST", RoutePaths.Status, Form, body, Signed, "date=2026-11-25");

    private static JsonElement Json(EndpointResponse response) => JsonDocument.Parse(response.Body).RootElement;
}
