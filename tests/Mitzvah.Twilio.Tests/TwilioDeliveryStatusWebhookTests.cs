using System.Text;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Twilio.Tests;

public sealed class TwilioDeliveryStatusWebhookTests
{
    private const string Token = "status-auth-token";
    private static readonly Uri Url = new("https://mitzvah.example/api/status?date=2026-11-25");

    private static readonly Dictionary<string, string> Form = new()
    {
        ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
        ["MessageStatus"] = "undelivered",
        ["ErrorCode"] = "63024",
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "whatsapp:+14155238886",
        ["To"] = "whatsapp:+14155552671",
        ["ChannelPrefix"] = "whatsapp",
    };

    private static TwilioDeliveryStatusWebhook Webhook(string? token) => new(Options.Create(new TwilioOptions { AuthToken = token }));

    private static EndpointRequest Request(IReadOnlyDictionary<string, string> form, string? signature, Uri? url = null) => new()
    {
        Method = "POST",
        Path = RoutePaths.Status,
        Headers = EndpointRequest.HeaderDictionary(signature is null ? [] : [KeyValuePair.Create(TwilioInboundWebhook.SignatureHeader, signature)]),
        Body = Encoding.UTF8.GetBytes(TwilioSignature.FormBody(form)),
        QueryString = (url ?? Url).Query.TrimStart('?'),
        Url = url ?? Url,
    };

    private static DeliveryStatusReading ReadSigned(Dictionary<string, string> form) =>
        Webhook(Token).Read(Request(form, TwilioSignature.Compute(Token, Url, form)), form);

    [Fact]
    public void A_callback_signed_over_the_url_with_its_query_reads_as_cores_update()
    {
        var reading = ReadSigned(Form);

        Assert.Equal(DeliveryStatusReadingKind.Update, reading.Kind);
        Assert.Equal(
            new DeliveryStatusUpdate
            {
                ProviderMessageId = Form["MessageSid"],
                Status = DeliveryStatus.Undelivered,
                ErrorCode = "63024",
                RecipientPhone = "+14155552671",
            },
            reading.Update);
    }

    [Theory]
    [InlineData("63016", SendFailureKind.TemplateRequired)]
    [InlineData("63049", SendFailureKind.NotDeliveredToday)]
    [InlineData("63032", SendFailureKind.NotDeliveredToday)]
    [InlineData("63018", SendFailureKind.MessagingLimit)]
    [InlineData("21610", SendFailureKind.OptedOut)]
    [InlineData("63024", null)]
    [InlineData("30008", null)]
    public void The_error_code_is_kept_verbatim_and_read_as_cores_failure_kind_when_known(string code, SendFailureKind? kind)
    {
        var reading = ReadSigned(new Dictionary<string, string>(Form) { ["ErrorCode"] = code });

        Assert.Equal(code, reading.Update?.ErrorCode);
        Assert.Equal(kind, reading.Update?.Failure);
    }

    [Fact]
    public void A_signature_over_the_url_without_its_query_is_refused()
    {
        var withoutQuery = TwilioSignature.Compute(Token, new Uri("https://mitzvah.example/api/status"), Form);

        var reading = Webhook(Token).Read(Request(Form, withoutQuery), Form);

        Assert.Equal(DeliveryStatusReadingKind.Refused, reading.Kind);
    }

    [Fact]
    public void Forged_changed_unsigned_or_uncheckable_callbacks_are_refused_naming_the_recipient_for_the_log()
    {
        var signature = TwilioSignature.Compute(Token, Url, Form);
        var changed = new Dictionary<string, string>(Form) { ["MessageStatus"] = "delivered" };
        var otherDate = new Uri("https://mitzvah.example/api/status?date=2026-11-24");

        DeliveryStatusReading[] readings =
        [
            Webhook("other-token").Read(Request(Form, signature), Form),
            Webhook(Token).Read(Request(changed, signature), changed),
            Webhook(Token).Read(Request(Form, signature, otherDate), Form),
            Webhook(Token).Read(Request(Form, null), Form),
            Webhook(null).Read(Request(Form, signature), Form),
        ];

        Assert.All(readings, reading => Assert.Equal(DeliveryStatusReadingKind.Refused, reading.Kind));
        Assert.All(readings, reading => Assert.Equal("+14155552671", reading.ClaimedRecipient));
        Assert.Contains(TwilioSettingNames.TwilioAuthToken, readings[^1].Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("queued", DeliveryStatus.Accepted)]
    [InlineData("accepted", DeliveryStatus.Accepted)]
    [InlineData("sending", DeliveryStatus.Sending)]
    [InlineData("sent", DeliveryStatus.Sent)]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("read", DeliveryStatus.Read)]
    [InlineData("undelivered", DeliveryStatus.Undelivered)]
    [InlineData("failed", DeliveryStatus.Failed)]
    [InlineData("canceled", DeliveryStatus.Failed)]
    public void Twilios_statuses_map_onto_cores(string twilio, DeliveryStatus core)
    {
        var form = new Dictionary<string, string>(Form) { ["MessageStatus"] = twilio, ["ErrorCode"] = string.Empty };

        var reading = ReadSigned(form);

        Assert.Equal(core, reading.Update?.Status);
        Assert.Null(reading.Update?.ErrorCode);
    }

    [Fact]
    public void A_status_no_sent_message_has_is_ignored()
    {
        var form = new Dictionary<string, string>(Form) { ["MessageStatus"] = "received" };

        Assert.Equal(DeliveryStatusReadingKind.Ignored, ReadSigned(form).Kind);
    }

    [Theory]
    [InlineData("MessageSid")]
    [InlineData("MessageStatus")]
    [InlineData("To")]
    public void A_verified_callback_without_a_required_field_is_malformed(string field)
    {
        var form = new Dictionary<string, string>(Form);
        form.Remove(field);

        Assert.Equal(DeliveryStatusReadingKind.Malformed, ReadSigned(form).Kind);
    }
}
