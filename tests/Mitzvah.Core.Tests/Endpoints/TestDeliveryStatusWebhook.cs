using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Endpoints;

/// <summary>
/// A provider's status callback of the tests' own: verified when <c>X-Test-Signature</c> is <c>good</c>; fields
/// <c>id</c>, <c>status</c> (Core's names, or anything else to be ignored), <c>error</c>, <c>kind</c> (a
/// <see cref="SendFailureKind"/> name, as an adapter reads the error code) and <c>to</c>.
/// </summary>
internal sealed class TestDeliveryStatusWebhook : IDeliveryStatusWebhook
{
    public DeliveryStatusReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form)
    {
        var to = form.GetValueOrDefault("to");
        if (request.Header("X-Test-Signature") != "good")
        {
            return DeliveryStatusReading.Refused("The test signature is wrong.", to);
        }

        if (!form.TryGetValue("id", out var id) || !form.TryGetValue("status", out var status) || to is null)
        {
            return DeliveryStatusReading.Malformed("The test callback needs id, status and to.", to);
        }

        DeliveryStatus parsed;
        try
        {
            parsed = DeliveryNames.ParseStatus(status);
        }
        catch (FormatException)
        {
            return DeliveryStatusReading.Ignore($"untracked status {status}", to);
        }

        return DeliveryStatusReading.Verified(new DeliveryStatusUpdate
        {
            ProviderMessageId = id,
            Status = parsed,
            ErrorCode = form.GetValueOrDefault("error"),
            Failure = form.TryGetValue("kind", out var kind) ? Enum.Parse<SendFailureKind>(kind) : null,
            RecipientPhone = to,
        });
    }
}
