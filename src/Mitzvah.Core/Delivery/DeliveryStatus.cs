namespace Mitzvah.Core.Delivery;

/// <summary>What the provider reported about a message after it accepted it, in the order a message moves through.</summary>
/// <remarks>
/// Ranked in declaration order (<see cref="DeliveryNames.Rank"/>): a message only moves forward, and
/// <see cref="Undelivered"/> and <see cref="Failed"/> share the top rank, so the first of them to arrive is final.
/// </remarks>
public enum DeliveryStatus
{
    /// <summary>The provider queued the message.</summary>
    Accepted,

    /// <summary>The provider is handing it to the channel.</summary>
    Sending,

    /// <summary>The channel took the message.</summary>
    Sent,

    /// <summary>The message reached the recipient's device.</summary>
    Delivered,

    /// <summary>The recipient opened it.</summary>
    Read,

    /// <summary>The channel could not deliver it (with an error code). Final.</summary>
    Undelivered,

    /// <summary>The provider could not send it (with an error code). Final.</summary>
    Failed,
}
