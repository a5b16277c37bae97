namespace Mitzvah.Core.Mail;

/// <summary>Hands emails to a mail service, one recipient per call.</summary>
/// <remarks>
/// Safe to call concurrently; implementations keep to their configured send rate across all callers. An accepted
/// outcome means the service took the mail, not that it reached the inbox. Failures are outcomes, not exceptions;
/// only cancellation throws.
/// </remarks>
public interface IMailSender
{
    /// <summary>The address mails come from (<c>MAIL_FROM</c>'s); mail clients send their mailto unsubscribes there.</summary>
    string Sender { get; }

    /// <summary>Sends <paramref name="mail"/> and says whether the mail service accepted it.</summary>
    Task<MailSendOutcome> SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default);
}
