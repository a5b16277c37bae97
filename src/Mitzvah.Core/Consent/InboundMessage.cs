namespace Mitzvah.Core.Consent;

/// <summary>A message a person sent to the service, as the channel's adapter read it from a verified webhook.</summary>
public sealed record InboundMessage
{
    /// <summary>The channel it came through, e.g. <see cref="ConsentNames.WhatsAppChannel"/>.</summary>
    public required string Channel { get; init; }

    /// <summary>The sender's address on that channel, as received (for WhatsApp the phone number, maybe not yet E.164).</summary>
    public required string SenderAddress { get; init; }

    /// <summary>The text, as received (empty for a message without text).</summary>
    public required string Text { get; init; }

    /// <summary>The provider's id of the message, kept as evidence.</summary>
    public string? ProviderMessageId { get; init; }

    /// <summary>The address the person wrote to, kept as evidence.</summary>
    public string? ReceivingAddress { get; init; }
}
