using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp.Tests;

public sealed class SmtpFailuresTests
{
    private static readonly MailboxAddress Recipient = MailboxAddress.Parse("reader@example.org");

    [Theory]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, MailFailureKind.Permanent)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.UserNotLocalTryAlternatePath, MailFailureKind.Permanent)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxBusy, MailFailureKind.Transient)]
    [InlineData(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.InsufficientStorage, MailFailureKind.Transient)]
    [InlineData(SmtpErrorCode.SenderNotAccepted, SmtpStatusCode.MailboxNameNotAllowed, MailFailureKind.Rejected)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.ExceededStorageAllocation, MailFailureKind.Rejected)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.ServiceNotAvailable, MailFailureKind.Transient)]
    [InlineData(SmtpErrorCode.UnexpectedStatusCode, SmtpStatusCode.TransactionFailed, MailFailureKind.Rejected)]
    public void Server_replies_are_sorted_by_code_and_by_what_was_refused(SmtpErrorCode error, SmtpStatusCode status, MailFailureKind expected)
    {
        var outcome = SmtpFailures.Classify(new SmtpCommandException(error, status, Recipient, "the server's text"));

        Assert.NotNull(outcome);
        Assert.False(outcome.Accepted);
        Assert.Equal(expected, outcome.Failure);
        Assert.Equal((int)status, outcome.StatusCode);
        Assert.Equal("the server's text", outcome.Detail);
    }

    [Fact]
    public void Connection_failures_are_transient()
    {
        Exception[] failures =
        [
            new SocketException((int)SocketError.ConnectionRefused),
            new IOException("reset"),
            new SmtpProtocolException("The SMTP server has unexpectedly disconnected."),
            new ServiceNotConnectedException(),
            new TimeoutException(),
        ];

        Assert.All(failures, failure => Assert.Equal(MailFailureKind.Transient, SmtpFailures.Classify(failure)?.Failure));
    }

    [Fact]
    public void A_refused_login_is_rejected_not_the_recipients_fault()
    {
        Assert.Equal(MailFailureKind.Rejected, SmtpFailures.Classify(new AuthenticationException("535 Authentication Credentials Invalid"))?.Failure);
    }

    [Fact]
    public void Programming_errors_are_not_mail_outcomes()
    {
        Assert.Null(SmtpFailures.Classify(new ArgumentException("bug")));
    }
}
