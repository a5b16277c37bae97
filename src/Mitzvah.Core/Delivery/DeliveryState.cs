namespace Mitzvah.Core.Delivery;

/// <summary>Where one day's message to one phone stands.</summary>
public enum DeliveryState
{
    /// <summary>A run holds a lease on the send; it may be sending right now, or it may have died.</summary>
    Claimed,

    /// <summary>The provider accepted the message. Final: the message is never sent again.</summary>
    Sent,

    /// <summary>The last attempt failed; a later run may retry unless the failure was permanent.</summary>
    Failed,
}
