namespace Mitzvah.Core.Messages;

/// <summary>One date's message: its content and that content rendered for WhatsApp.</summary>
/// <remarks>
/// A messenger for WhatsApp sends <see cref="WhatsApp"/>; a messenger for another channel renders
/// <see cref="Content"/> itself. Immutable.
/// </remarks>
public sealed record DailyMessage
{
    /// <summary>What the message says.</summary>
    public required DailyContent Content { get; init; }

    /// <summary>The content as a WhatsApp message.</summary>
    public required WhatsAppMessage WhatsApp { get; init; }

    /// <summary>The send date.</summary>
    public DateOnly Date => Content.Date;
}
