using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Delivery;

/// <summary>
/// A messaging provider's delivery-status callback: verifies that the provider sent the request and reads it into
/// Core's <see cref="DeliveryStatusUpdate"/>.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Every request to the status route is taken for the provider's, so one that
/// cannot be verified (no signature, a wrong one, or no secret to check it with) is
/// <see cref="DeliveryStatusReadingKind.Refused"/>. The signature covers <see cref="EndpointRequest.PublicUrl"/>,
/// query string included.
/// </remarks>
public interface IDeliveryStatusWebhook
{
    /// <summary>Reads <paramref name="request"/>, whose body parsed as <paramref name="form"/>.</summary>
    DeliveryStatusReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form);
}
