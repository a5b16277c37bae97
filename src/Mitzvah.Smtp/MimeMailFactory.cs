using MimeKit;
using MimeKit.Utils;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp;

/// <summary>Turns an <see cref="OutgoingMail"/> into the RFC 5322 message every sender (SMTP, an outbox file) writes.</summary>
public static class MimeMailFactory
{
    // Headers the factory writes itself; an extra header may not replace them.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-Id", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    };

    /// <summary>
    /// A <c>multipart/alternative</c> message (text first, then HTML, as RFC 2046 orders them) from
    /// <paramref name="from"/> to <paramref name="mail"/>'s recipient, dated <paramref name="date"/>, with a
    /// <c>Message-Id</c> in the sender's domain (from <see cref="OutgoingMail.MessageKey"/>, else fresh) and the extra
    /// headers as given.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// An extra header has a malformed or reserved name, or a line break in its value; or the message key holds other
    /// characters than letters, digits, '.' and '-'.
    /// </exception>
    public static MimeMessage Create(OutgoingMail mail, MailboxAddress from, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(from);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(mail.To));
        message.Subject = mail.Subject;
        message.Date = date;
        var domain = from.Domain is { Length: > 0 } own ? own : "localhost";
        if (mail.MessageKey is { } key && (key.Length is 0 or > 128 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-'))))
        {
            throw new ArgumentException($"'{key}' cannot be a Message-Id's left part.", nameof(mail));
        }

        message.MessageId = mail.MessageKey is { } left ? $"{left}@{domain}" : MimeUtils.GenerateMessageId(domain);
        foreach (var (name, value) in mail.Headers)
        {
            if (name.Length == 0 || name.Any(c => c <= ' ' || c > '~' || c == ':') || Reserved.Contains(name))
            {
                throw new ArgumentException($"'{name}' cannot be an extra header name.", nameof(mail));
            }

            if (value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException($"The value of header {name} holds a line break.", nameof(mail));
            }

            message.Headers.Add(name, value);
        }

        message.Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody();
        return message;
    }
}
