namespace Mitzvah.Core.Delivery;

/// <summary>What kind of request an <see cref="IDeliveryStatusWebhook"/> found.</summary>
public enum DeliveryStatusReadingKind
{
    /// <summary>A verified status report with everything Core needs.</summary>
    Update,

    /// <summary>A verified report of a status Core does not track (e.g. an inbound message's); answered and ignored.</summary>
    Ignored,

    /// <summary>The request could not be verified as the provider's (403): nothing may be written.</summary>
    Refused,

    /// <summary>A verified report that lacks a required field (400).</summary>
    Malformed,
}
