namespace Mitzvah.Core.Mail;

/// <summary>What the mail service answered to one <see cref="IMailSender.SendAsync"/>.</summary>
public sealed record MailSendOutcome
{
    /// <summary>Whether the mail service accepted the mail.</summary>
    public required bool Accepted { get; init; }

    /// <summary>The <c>Message-Id</c> the mail was sent with (without angle brackets), when accepted.</summary>
    public string? MessageId { get; init; }

    /// <summary>Why it was not accepted; <see langword="null"/> when accepted.</summary>
    public MailFailureKind? Failure { get; init; }

    /// <summary>The server's reply code (e.g. 550), when the server answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The server's reply text, or a sentence describing the failure.</summary>
    public string? Detail { get; init; }

    /// <summary>The mail service took the mail, sent as <paramref name="messageId"/>.</summary>
    public static MailSendOutcome Sent(string messageId) => new() { Accepted = true, MessageId = messageId };

    /// <summary>The mail was not accepted.</summary>
    public static MailSendOutcome Failed(MailFailureKind kind, int? statusCode, string detail) =>
        new() { Accepted = false, Failure = kind, StatusCode = statusCode, Detail = detail };
}
