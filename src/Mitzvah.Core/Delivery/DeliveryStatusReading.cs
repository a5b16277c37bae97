namespace Mitzvah.Core.Delivery;

/// <summary>What an <see cref="IDeliveryStatusWebhook"/> made of a request.</summary>
public sealed record DeliveryStatusReading
{
    /// <summary>What kind of reading this is.</summary>
    public required DeliveryStatusReadingKind Kind { get; init; }

    /// <summary>The verified update, for <see cref="DeliveryStatusReadingKind.Update"/>.</summary>
    public DeliveryStatusUpdate? Update { get; init; }

    /// <summary>A sentence for the caller, for <see cref="DeliveryStatusReadingKind.Refused"/>, <see cref="DeliveryStatusReadingKind.Malformed"/> and <see cref="DeliveryStatusReadingKind.Ignored"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The recipient the request names, verified or not, for logs (masked there); <see langword="null"/> when it names none.</summary>
    public string? ClaimedRecipient { get; init; }

    /// <summary>A verified update.</summary>
    public static DeliveryStatusReading Verified(DeliveryStatusUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return new() { Kind = DeliveryStatusReadingKind.Update, Update = update, ClaimedRecipient = update.RecipientPhone };
    }

    /// <summary>A verified report Core does not track.</summary>
    public static DeliveryStatusReading Ignore(string reason, string? recipient) =>
        new() { Kind = DeliveryStatusReadingKind.Ignored, Error = reason, ClaimedRecipient = recipient };

    /// <summary>A request whose origin could not be verified.</summary>
    public static DeliveryStatusReading Refused(string error, string? recipient) =>
        new() { Kind = DeliveryStatusReadingKind.Refused, Error = error, ClaimedRecipient = recipient };

    /// <summary>A verified report that lacks what Core needs.</summary>
    public static DeliveryStatusReading Malformed(string error, string? recipient) =>
        new() { Kind = DeliveryStatusReadingKind.Malformed, Error = error, ClaimedRecipient = recipient };
}
