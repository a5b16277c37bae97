using System.Security;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Twilio;

/// <summary>
/// Twilio's inbound-message webhook: recognises Twilio's form, checks <c>X-Twilio-Signature</c> over the public URL and the
/// posted fields, reads <c>From</c>, <c>Body</c>,
/// <c>MessageSid</c> and <c>To</c>, and renders replies as TwiML.
/// </summary>
/// <remarks>
/// A form counts as Twilio's when it carries the signature header or any field only Twilio sends (the web form sends
/// <c>phone</c>, never these), so an unsigned request dressed as a webhook is refused, not read as a web opt-in.
/// </remarks>
public sealed class TwilioInboundWebhook : IInboundWebhook
{
    /// <summary>The header Twilio signs requests with.</summary>
    public const string SignatureHeader = TwilioRequestSignature.Header;

    private const string TwiMLContentType = "text/xml; charset=utf-8";
    private static readonly string[] TwilioFields = ["MessageSid", "SmsMessageSid", "SmsSid", "AccountSid", "From", "WaId"];
    private readonly TwilioRequestSignature _signature;

    /// <summary>Creates the reader; without an auth token it refuses every webhook.</summary>
    public TwilioInboundWebhook(IOptions<TwilioOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _signature = new TwilioRequestSignature(options.Value.AuthToken);
    }

    /// <inheritdoc />
    public bool CanVerify => _signature.CanVerify;

    /// <inheritdoc />
    public InboundReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        var signature = request.Header(SignatureHeader);
        if (signature is null && !TwilioFields.Any(form.ContainsKey))
        {
            return InboundReading.NotInbound;
        }

        if (_signature.Refusal(request, form) is { } refusal)
        {
            return InboundReading.Refused(refusal);
        }

        return InboundReading.Verified(new InboundMessage
        {
            Channel = ConsentNames.WhatsAppChannel,
            SenderAddress = WhatsAppAddress.ToPhone(form.GetValueOrDefault("From")) ?? string.Empty,
            Text = form.GetValueOrDefault("Body") ?? string.Empty,
            ProviderMessageId = form.GetValueOrDefault("MessageSid"),
            ReceivingAddress = form.GetValueOrDefault("To"),
        });
    }

    /// <inheritdoc />
    public EndpointResponse Reply(string reply) => EndpointResponse.Text(
        200, TwiMLContentType, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{SecurityElement.Escape(reply)}</Message></Response>");
}
