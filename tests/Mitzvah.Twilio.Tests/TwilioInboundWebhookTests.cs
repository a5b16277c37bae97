using System.Text;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Twilio.Tests;

public sealed class TwilioInboundWebhookTests
{
    private const string Token = "12345";
    private static readonly Uri Url = new("https://mycompany.com/myapp.php?foo=1&bar=2");

    private static readonly Dictionary<string, string> Form = new()
    {
        ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["From"] = "whatsapp:+14155552671",
        ["To"] = "whatsapp:+14155550100",
        ["Body"] = "JOIN MITZVAH",
    };

    private static TwilioInboundWebhook Webhook(string? token) => new(Options.Create(new TwilioOptions { AuthToken = token }));

    private static EndpointRequest Request(IReadOnlyDictionary<string, string> form, string? signature, Uri? url = null) => new()
    {
        Method = "POST",
        Path = "/myapp.php",
        Headers = EndpointRequest.HeaderDictionary(signature is null ? [] : [KeyValuePair.Create(TwilioInboundWebhook.SignatureHeader, signature)]),
        Body = Encoding.UTF8.GetBytes(TwilioSignature.FormBody(form)),
        Url = url ?? Url,
    };

    [Fact]
    public void A_signature_computed_from_the_documented_algorithm_yields_the_message_in_cores_terms()
    {
        var reading = Webhook(Token).Read(Request(Form, TwilioSignature.Compute(Token, Url, Form)), Form);

        Assert.Equal(InboundReadingKind.Message, reading.Kind);
        var message = reading.Message!;
        Assert.Equal(ConsentNames.WhatsAppChannel, message.Channel);
        Assert.Equal("+14155552671", message.SenderAddress);
        Assert.Equal("JOIN MITZVAH", message.Text);
        Assert.Equal(Form["MessageSid"], message.ProviderMessageId);
        Assert.Equal(Form["To"], message.ReceivingAddress);
    }

    [Fact]
    public void Wrong_token_changed_field_other_url_or_missing_signature_are_refused()
    {
        var signature = TwilioSignature.Compute(Token, Url, Form);
        var changed = new Dictionary<string, string>(Form) { ["Body"] = "STOP" };

        Assert.Equal(InboundReadingKind.Refused, Webhook("other").Read(Request(Form, signature), Form).Kind);
        Assert.Equal(InboundReadingKind.Refused, Webhook(Token).Read(Request(changed, signature), changed).Kind);
        Assert.Equal(InboundReadingKind.Refused, Webhook(Token).Read(Request(Form, signature, new Uri("https://evil.example/myapp.php?foo=1&bar=2")), Form).Kind);
        Assert.Equal(InboundReadingKind.Refused, Webhook(Token).Read(Request(Form, null), Form).Kind);
        Assert.Equal(InboundReadingKind.Refused, Webhook(Token).Read(Request(Form, string.Empty), Form).Kind);
    }

    [Theory]
    [InlineData("MessageSid")]
    [InlineData("From")]
    [InlineData("AccountSid")]
    public void An_unsigned_form_with_any_field_only_twilio_sends_is_refused_not_read_as_a_web_form(string field)
    {
        var form = new Dictionary<string, string> { [field] = Form[field], ["Body"] = "JOIN" };

        var reading = Webhook(Token).Read(Request(form, null), form);

        Assert.Equal(InboundReadingKind.Refused, reading.Kind);
        Assert.Contains("signature is missing or invalid", reading.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_web_forms_fields_are_not_a_webhook()
    {
        var form = new Dictionary<string, string> { ["phone"] = "+14155552671", ["consent"] = "on" };

        Assert.Equal(InboundReadingKind.NotInbound, Webhook(Token).Read(Request(form, null), form).Kind);
    }

    [Fact]
    public void Without_a_token_every_webhook_is_refused_and_it_says_why()
    {
        var webhook = Webhook(null);

        var reading = webhook.Read(Request(Form, TwilioSignature.Compute(Token, Url, Form)), Form);

        Assert.False(webhook.CanVerify);
        Assert.Equal(InboundReadingKind.Refused, reading.Kind);
        Assert.Contains(TwilioSettingNames.TwilioAuthToken, reading.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replies_are_twiml_with_the_text_escaped()
    {
        var response = Webhook(Token).Reply("Tom & Jerry's <b>");

        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("text/xml", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Tom &amp; Jerry&apos;s &lt;b&gt;</Message></Response>", response.Body);
    }
}
