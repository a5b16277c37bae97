using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp;

/// <summary>Sorts what MailKit throws into <see cref="MailFailureKind"/>s.</summary>
internal static class SmtpFailures
{
    /// <summary>The outcome for <paramref name="exception"/>, or <see langword="null"/> when it is not a mail failure (a bug: let it throw).</summary>
    public static MailSendOutcome? Classify(Exception exception) => exception switch
    {
        // Only a refusal of the recipient says the address is bad; a 5xx for the sender or the message is ours.
        SmtpCommandException command when (int)command.StatusCode >= 500 && command.ErrorCode == SmtpErrorCode.RecipientNotAccepted =>
            MailSendOutcome.Failed(MailFailureKind.Permanent, (int)command.StatusCode, command.Message),
        SmtpCommandException command when (int)command.StatusCode >= 500 =>
            MailSendOutcome.Failed(MailFailureKind.Rejected, (int)command.StatusCode, command.Message),
        SmtpCommandException command =>
            MailSendOutcome.Failed(MailFailureKind.Transient, (int)command.StatusCode, command.Message),
        AuthenticationException authentication =>
            MailSendOutcome.Failed(MailFailureKind.Rejected, null, $"The SMTP server refused the login: {authentication.Message}"),
        SslHandshakeException tls =>
            MailSendOutcome.Failed(MailFailureKind.Rejected, null, $"TLS with the SMTP server failed: {tls.Message}"),
        NotSupportedException unsupported =>
            MailSendOutcome.Failed(MailFailureKind.Rejected, null, $"The SMTP server does not support what the settings ask: {unsupported.Message}"),
        SmtpProtocolException or ServiceNotConnectedException or SocketException or IOException or TimeoutException =>
            MailSendOutcome.Failed(MailFailureKind.Transient, null, $"{exception.GetType().Name}: {exception.Message}"),
        _ => null,
    };
}
