using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Twilio;

/// <summary>
/// Twilio's message status callbacks: checks <c>X-Twilio-Signature</c> over the callback URL Twilio called (query
/// string included) and the posted fields, and reads <c>MessageSid</c>, <c>MessageStatus</c>, <c>ErrorCode</c> and
/// <c>To</c> into Core's <see cref="DeliveryStatusUpdate"/>, the error code also as Core's failure kind (the same
/// table the messenger reads synchronous refusals by).
/// </summary>
/// <remarks>
/// Twilio's statuses map onto Core's: <c>queued</c>, <c>accepted</c> and <c>scheduled</c> are accepted;
/// <c>sending</c>, <c>sent</c>, <c>delivered</c>, <c>read</c> and <c>undelivered</c> are themselves; <c>failed</c>
/// and <c>canceled</c> are failed. Others (an inbound message's <c>receiving</c>/<c>received</c>, …) are ignored.
/// </remarks>
public sealed class TwilioDeliveryStatusWebhook : IDeliveryStatusWebhook
{
    private readonly TwilioRequestSignature _signature;

    /// <summary>Creates the reader; without an auth token it refuses every callback.</summary>
    public TwilioDeliveryStatusWebhook(IOptions<TwilioOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _signature = new TwilioRequestSignature(options.Value.AuthToken);
    }

    /// <inheritdoc />
    public DeliveryStatusReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(form);
        var recipient = WhatsAppAddress.ToPhone(Field(form, "To"));
        if (_signature.Refusal(request, form) is { } refusal)
        {
            return DeliveryStatusReading.Refused(refusal, recipient);
        }

        var messageSid = Field(form, "MessageSid");
        var twilioStatus = Field(form, "MessageStatus");
        if (messageSid is null || twilioStatus is null || recipient is null)
        {
            return DeliveryStatusReading.Malformed("A status callback needs MessageSid, MessageStatus and To.", recipient);
        }

        DeliveryStatus? status = twilioStatus.ToLowerInvariant() switch
        {
            "queued" or "accepted" or "scheduled" => DeliveryStatus.Accepted,
            "sending" => DeliveryStatus.Sending,
            "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "undelivered" => DeliveryStatus.Undelivered,
            "failed" or "canceled" => DeliveryStatus.Failed,
            _ => null,
        };
        if (status is null)
        {
            return DeliveryStatusReading.Ignore($"Status \"{twilioStatus}\" is not one a sent message is tracked by.", recipient);
        }

        return DeliveryStatusReading.Verified(new DeliveryStatusUpdate
        {
            ProviderMessageId = messageSid,
            Status = status.Value,
            ErrorCode = Field(form, "ErrorCode"),
            Failure = TwilioErrorCodes.Kind(Field(form, "ErrorCode")),
            RecipientPhone = recipient,
        });
    }

    // Twilio sends some fields empty (ErrorCode on success); empty is absent.
    private static string? Field(IReadOnlyDictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
