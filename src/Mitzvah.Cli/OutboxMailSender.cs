using System.Globalization;
using MimeKit;
using Mitzvah.Core.Mail;
using Mitzvah.Smtp;

namespace Mitzvah.Cli;

/// <summary>
/// The local runner's mail sender when no <c>SMTP_HOST</c> is configured: each mail becomes one RFC 5322 file,
/// <c>&lt;outbox&gt;/mail/&lt;yyyy-MM-dd&gt;/&lt;message id&gt;.eml</c>, exactly the message SMTP would carry (any mail
/// program opens it).
/// </summary>
internal sealed class OutboxMailSender : IMailSender
{
    /// <summary>The sender when <c>MAIL_FROM</c> is unset.</summary>
    public const string DefaultFrom = "Daily Mitzvah <mitzvah@localhost>";

    private readonly MailboxAddress _from;
    private readonly TimeProvider _time;

    public OutboxMailSender(string directory, string? from, TimeProvider time)
    {
        Directory = Path.GetFullPath(directory);
        _from = MailboxAddress.TryParse(from ?? DefaultFrom, out var parsed)
            ? parsed
            : throw new CliUsageException($"{SmtpSettingNames.MailFrom} '{from}' is not an address like Daily Mitzvah <mitzvah@example.org>.");
        _time = time;
    }

    public string Directory { get; }

    public string Sender => _from.Address;

    public async Task<MailSendOutcome> SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        if (EmailAddress.Problem(mail.To) is { } problem)
        {
            return MailSendOutcome.Failed(MailFailureKind.Permanent, null, problem);
        }

        var now = _time.GetUtcNow();
        var message = MimeMailFactory.Create(mail, _from, now);
        var id = message.MessageId ?? throw new InvalidOperationException("The message has no Message-Id.");
        var folder = Path.Combine(Directory, now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        System.IO.Directory.CreateDirectory(folder);

        // Write then rename, so a reader never sees half a message.
        var path = Path.Combine(folder, id + ".eml");
        var temporary = path + ".tmp";
        await message.WriteToAsync(temporary, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path);
        return MailSendOutcome.Sent(id);
    }
}
