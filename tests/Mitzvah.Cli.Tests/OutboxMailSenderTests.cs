using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Mitzvah.Core.Mail;
using Mitzvah.Smtp;
using Mitzvah.Testing;

namespace Mitzvah.Cli.Tests;

public sealed class OutboxMailSenderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static OutgoingMail Mail(string to) => new()
    {
        To = to,
        Subject = "Day 12: Positive commandment 12",
        Html = "<p>Today: <b>Positive commandment 12</b></p>",
        Text = "Today: Positive commandment 12",
        Headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://mitzvah.example.org/unsubscribe?t=abc>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        },
    };

    [Fact]
    public async Task A_mail_becomes_an_eml_file_in_the_days_folder()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero));
        var sender = new OutboxMailSender(Path.Combine(_directory.Path, "mail"), "Daily Mitzvah <mitzvah@example.org>", time);

        var outcome = await sender.SendAsync(Mail("reader@example.org"));

        Assert.True(outcome.Accepted);
        var path = Assert.Single(Directory.GetFiles(Path.Combine(_directory.Path, "mail", "2026-12-01")));
        Assert.Equal(outcome.MessageId + ".eml", Path.GetFileName(path));
        var message = await MimeMessage.LoadAsync(path);
        Assert.Equal(outcome.MessageId, message.MessageId);
        Assert.Equal("reader@example.org", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Daily Mitzvah", Assert.Single(message.From.Mailboxes).Name);
        Assert.Equal("Day 12: Positive commandment 12", message.Subject);
        Assert.Equal(time.GetUtcNow(), message.Date);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("<https://mitzvah.example.org/unsubscribe?t=abc>", message.Headers["List-Unsubscribe"]);
        Assert.Equal("Today: Positive commandment 12", message.TextBody?.Trim());
        Assert.Contains("<b>Positive commandment 12</b>", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_address_writes_nothing_and_is_permanent()
    {
        var sender = new OutboxMailSender(_directory.Path, from: null, TimeProvider.System);

        var outcome = await sender.SendAsync(Mail("reader.example.org"));

        Assert.Equal(MailFailureKind.Permanent, outcome.Failure);
        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
        Assert.Equal("mitzvah@localhost", sender.Sender);
    }

    [Fact]
    public void The_cli_writes_mail_to_the_outbox_without_smtp_host_and_sends_over_smtp_with_it()
    {
        var outbox = Path.Combine(_directory.Path, "outbox");
        using var local = CliServices.Build(
            CliServices.Configuration(new Dictionary<string, string?> { [SmtpSettingNames.SmtpHost] = "" }), _directory.NewDatabasePath(), TextWriter.Null, outbox);
        using var smtp = CliServices.Build(
            CliServices.Configuration(new Dictionary<string, string?>
            {
                [SmtpSettingNames.SmtpHost] = "smtp.example.org",
                [SmtpSettingNames.MailFrom] = "mitzvah@example.org",
            }),
            _directory.NewDatabasePath(),
            TextWriter.Null,
            outbox);

        var outboxSender = Assert.IsType<OutboxMailSender>(local.GetRequiredService<IMailSender>());
        Assert.Equal(Path.Combine(Path.GetFullPath(outbox), "mail"), outboxSender.Directory);
        Assert.IsType<SmtpMailSender>(smtp.GetRequiredService<IMailSender>());
    }
}
