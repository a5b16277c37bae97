using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Tests.Endpoints;

/// <summary>
/// A provider of the tests' own: a form with <c>sender</c> is its webhook, verified when <c>X-Test-Signature</c> is
/// <c>good</c>; replies are plain text. It shows which decisions are Core's and which the adapter's.
/// </summary>
internal sealed class TestInboundWebhook : IInboundWebhook
{
    public bool CanVerify => true;

    public InboundReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("sender", out var sender))
        {
            return InboundReading.NotInbound;
        }

        if (request.Header("X-Test-Signature") != "good")
        {
            return InboundReading.Refused("The test signature is wrong.");
        }

        return form.TryGetValue("text", out var text)
            ? InboundReading.Verified(new InboundMessage
            {
                Channel = ConsentNames.WhatsAppChannel,
                SenderAddress = sender,
                Text = text,
                ProviderMessageId = form.GetValueOrDefault("id"),
                ReceivingAddress = "+14155550100",
            })
            : InboundReading.Malformed("The test webhook has no text.");
    }

    public EndpointResponse Reply(string reply) => EndpointResponse.Text(200, "text/plain", "REPLY:" + reply);
}
