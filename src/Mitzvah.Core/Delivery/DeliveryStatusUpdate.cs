using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Delivery;

/// <summary>One verified status report of the messaging provider about a message it accepted.</summary>
public sealed record DeliveryStatusUpdate
{
    /// <summary>The provider's id of the message, as returned when it was sent.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The reported status.</summary>
    public required DeliveryStatus Status { get; init; }

    /// <summary>The provider's error code, when it gave one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>
    /// What <see cref="ErrorCode"/> means in Core's terms, when the provider's adapter knows the code (e.g.
    /// <see cref="SendFailureKind.TemplateRequired"/>: a freeform message outside the 24-hour window); else
    /// <see langword="null"/>.
    /// </summary>
    public SendFailureKind? Failure { get; init; }

    /// <summary>The recipient's phone number as the provider names it (E.164 expected).</summary>
    public required string RecipientPhone { get; init; }
}
