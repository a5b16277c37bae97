namespace Mitzvah.Core.Sending;

/// <summary>One recipient of the daily message, as <see cref="IRecipientSource"/> lists it.</summary>
public sealed record Recipient
{
    /// <summary>The recipient's number, E.164.</summary>
    public required string Phone { get; init; }

    /// <summary>
    /// When the recipient last wrote to us, which opens WhatsApp's 24-hour window; <see langword="null"/> when never,
    /// or when the source cannot know (a fixed list).
    /// </summary>
    public DateTimeOffset? LastInboundAt { get; init; }
}
