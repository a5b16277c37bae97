using MimeKit;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp.Tests;

public sealed class MimeMailFactoryTests
{
    private static readonly MailboxAddress From = MailboxAddress.Parse("Daily Mitzvah <mitzvah@example.org>");

    private static OutgoingMail Mail(IReadOnlyDictionary<string, string> headers) => new()
    {
        To = "reader@example.org",
        Subject = "שבת שלום",
        Html = "<p>html</p>",
        Text = "text",
        Headers = headers,
    };

    [Fact]
    public void The_message_is_multipart_alternative_text_first_with_the_extra_headers()
    {
        var message = MimeMailFactory.Create(Mail(new Dictionary<string, string> { ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click" }), From, DateTimeOffset.UnixEpoch);

        var body = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], body.Select(part => part.ContentType.MimeType));
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("שבת שלום", message.Subject);
        Assert.EndsWith("@example.org", message.MessageId, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.UnixEpoch, message.Date);
    }

    [Theory]
    [InlineData("Bcc", "someone@example.org")]
    [InlineData("From", "attacker@example.org")]
    [InlineData("Bad Name", "x")]
    [InlineData("X-Injected", "a\r\nBcc: someone@example.org")]
    public void Headers_that_would_change_the_envelope_or_break_lines_are_refused(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => MimeMailFactory.Create(Mail(new Dictionary<string, string> { [name] = value }), From, DateTimeOffset.UnixEpoch));
    }
}
