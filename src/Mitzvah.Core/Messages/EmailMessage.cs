namespace Mitzvah.Core.Messages;

/// <summary>A day's content laid out for email: a subject and the same text as HTML and as plain text.</summary>
/// <remarks>Immutable. Lines end in <c>\n</c>; the mail transport converts them for the wire.</remarks>
public sealed record EmailMessage
{
    /// <summary>One line, no control characters: "Daily Mitzvah · Wednesday 25 November · 15 Kislev 5787".</summary>
    public required string Subject { get; init; }

    /// <summary>A complete UTF-8 HTML document with inline styles and no remote resources.</summary>
    public required string Html { get; init; }

    /// <summary>The plain-text alternative, with every link written out.</summary>
    public required string Text { get; init; }
}
