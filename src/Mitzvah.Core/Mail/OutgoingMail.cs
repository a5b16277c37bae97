namespace Mitzvah.Core.Mail;

/// <summary>One email to one recipient: a subject, the same content as HTML and as plain text, and extra headers.</summary>
public sealed record OutgoingMail
{
    /// <summary>The recipient's address, e.g. <c>reader@example.org</c> (see <see cref="EmailAddress.Problem"/>).</summary>
    public required string To { get; init; }

    /// <summary>The subject line.</summary>
    public required string Subject { get; init; }

    /// <summary>The HTML part.</summary>
    public required string Html { get; init; }

    /// <summary>The plain-text part, for readers that do not show HTML.</summary>
    public required string Text { get; init; }

    /// <summary>
    /// The left part of the <c>Message-Id</c> (letters, digits, <c>.</c> and <c>-</c>), the sender's domain being the
    /// right; <see langword="null"/> for a fresh one. A mail sent again after an unknown outcome keeps its id, so
    /// mail stores that drop a repeated id show it once.
    /// </summary>
    public string? MessageKey { get; init; }

    /// <summary>
    /// Extra headers written as given, e.g. <c>List-Unsubscribe</c> and <c>List-Unsubscribe-Post</c>. Names are
    /// ASCII without colon or spaces; values hold no line breaks (a sender refuses anything else).
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}
