namespace Mitzvah.Core.Consent;

/// <summary>What an <see cref="IInboundWebhook"/> made of a request.</summary>
public sealed record InboundReading
{
    /// <summary>The request is not the provider's webhook (e.g. the web opt-in form).</summary>
    public static InboundReading NotInbound { get; } = new() { Kind = InboundReadingKind.NotInbound };

    /// <summary>What kind of reading this is.</summary>
    public required InboundReadingKind Kind { get; init; }

    /// <summary>The verified message, for <see cref="InboundReadingKind.Message"/>.</summary>
    public InboundMessage? Message { get; init; }

    /// <summary>A sentence for the caller, for <see cref="InboundReadingKind.Refused"/> and <see cref="InboundReadingKind.Malformed"/>.</summary>
    public string? Error { get; init; }

    /// <summary>A verified message.</summary>
    public static InboundReading Verified(InboundMessage message) => new() { Kind = InboundReadingKind.Message, Message = message };

    /// <summary>A webhook whose origin could not be verified (403): nothing may be written.</summary>
    public static InboundReading Refused(string error) => new() { Kind = InboundReadingKind.Refused, Error = error };

    /// <summary>A verified webhook that lacks what Core needs (400).</summary>
    public static InboundReading Malformed(string error) => new() { Kind = InboundReadingKind.Malformed, Error = error };
}
