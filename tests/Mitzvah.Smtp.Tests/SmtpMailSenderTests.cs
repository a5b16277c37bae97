using Mitzvah.Testing.StandIns;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Mail;
using Xunit.Abstractions;

namespace Mitzvah.Smtp.Tests;

[Collection(SharedMaildev.Name)]
public sealed class SmtpMailSenderTests(MaildevFixture maildev, ITestOutputHelper output)
{
    private static OutgoingMail Mail(string to, string subject) => new()
    {
        To = to,
        Subject = subject,
        Html = "<p>Today: <b>Positive commandment 1</b></p>",
        Text = "Today: Positive commandment 1",
        Headers = new Dictionary<string, string>
        {
            ["List-Unsubscribe"] = "<https://mitzvah.example.org/unsubscribe?t=abc123>, <mailto:unsubscribe@example.org?subject=abc123>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        },
    };

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}@example.org";

    /// <summary>Options for <paramref name="server"/> logging in as its user with <paramref name="password"/>.</summary>
    private SmtpOptions LoginTo(ScriptedSmtpServer server, string password)
    {
        var options = maildev.Options();
        options.Port = server.Port;
        options.Username = "AKIAEXAMPLE";
        options.Password = password;
        return options;
    }

    private static SmtpMailSender Sender(SmtpOptions options, TimeProvider? time = null, ListLogger<SmtpMailSender>? logger = null) =>
        new(Options.Create(options), time ?? TimeProvider.System, logger ?? new ListLogger<SmtpMailSender>());

    [Fact]
    public async Task A_mail_arrives_with_text_and_html_parts_the_sender_name_and_the_unsubscribe_headers()
    {
        var to = Unique("reader");
        await using var sender = Sender(maildev.Options());

        var outcome = await sender.SendAsync(Mail(to, "Day 1"));

        Assert.True(outcome.Accepted, outcome.Detail);
        var mail = Assert.Single(await maildev.WaitForMailsAsync(m => MaildevFixture.IsTo(m, to)));
        Assert.Equal("Day 1", mail.GetProperty("subject").GetString());
        Assert.Contains("<b>Positive commandment 1</b>", mail.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Equal("Today: Positive commandment 1", mail.GetProperty("text").GetString()!.Trim());
        var from = Assert.Single(mail.GetProperty("from").EnumerateArray());
        Assert.Equal("Daily Mitzvah", from.GetProperty("name").GetString());
        Assert.Equal("mitzvah@example.org", from.GetProperty("address").GetString());
        Assert.Equal("mitzvah@example.org", sender.Sender);

        var source = Unfold(await maildev.SourceAsync(mail.GetProperty("id").GetString()!));
        Assert.Contains("List-Unsubscribe: <https://mitzvah.example.org/unsubscribe?t=abc123>, <mailto:unsubscribe@example.org?subject=abc123>\r\n", source, StringComparison.Ordinal);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", source, StringComparison.Ordinal);
        Assert.Contains($"Message-Id: <{outcome.MessageId}>\r\n", source, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("@example.org", outcome.MessageId, StringComparison.Ordinal);
        Assert.Contains("Content-Type: multipart/alternative", source, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Type: text/plain", source, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Type: text/html", source, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_date_header_comes_from_the_time_provider()
    {
        var to = Unique("dated");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero));
        await using var sender = Sender(maildev.Options(), time);

        Assert.True((await sender.SendAsync(Mail(to, "Dated"))).Accepted);

        var mail = Assert.Single(await maildev.WaitForMailsAsync(m => MaildevFixture.IsTo(m, to)));
        var source = await maildev.SourceAsync(mail.GetProperty("id").GetString()!);
        Assert.Contains("Date: Tue, 01 Dec 2026 06:30:00 +0000", source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_callers_wait_for_the_shared_rate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var sender = Sender(maildev.Options(ratePerSecond: 1), time);
        var recipients = Enumerable.Range(0, 3).Select(i => Unique($"rate{i}")).ToList();

        var sends = recipients.Select(to => sender.SendAsync(Mail(to, "Rate"))).ToList();
        await maildev.WaitForMailsAsync(m => recipients.Any(to => MaildevFixture.IsTo(m, to)));
        var first = await Task.WhenAny(sends);
        Assert.True((await first).Accepted);

        // No time has passed on the sender's clock: the other two still wait for their permits.
        Assert.Equal(1, sends.Count(send => send.IsCompleted));
        time.Advance(TimeSpan.FromSeconds(1));
        await maildev.WaitForMailsAsync(m => recipients.Any(to => MaildevFixture.IsTo(m, to)), count: 2);
        time.Advance(TimeSpan.FromSeconds(1));
        var outcomes = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(outcomes, outcome => Assert.True(outcome.Accepted));
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var options = maildev.Options();
        options.Port = MaildevFixture.FreePort();
        await using var sender = Sender(options);

        var outcome = await sender.SendAsync(Mail(Unique("nobody"), "Refused"));

        Assert.False(outcome.Accepted);
        Assert.Equal(MailFailureKind.Transient, outcome.Failure);
    }

    [Fact]
    public async Task A_recipient_the_server_refuses_is_permanent_and_the_next_mail_still_goes()
    {
        await using var server = new ScriptedSmtpServer(refused: ["gone@example.org"]);
        var options = maildev.Options();
        options.Port = server.Port;
        await using var sender = Sender(options);

        var refused = await sender.SendAsync(Mail("gone@example.org", "Refused"));
        var accepted = await sender.SendAsync(Mail("here@example.org", "Accepted"));

        Assert.Equal(MailFailureKind.Permanent, refused.Failure);
        Assert.Equal(550, refused.StatusCode);
        Assert.Contains("User unknown", refused.Detail, StringComparison.Ordinal);
        Assert.True(accepted.Accepted, accepted.Detail);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_malformed_address_is_permanent_without_contacting_the_server()
    {
        await using var server = new ScriptedSmtpServer();
        var options = maildev.Options();
        options.Port = server.Port;
        await using var sender = Sender(options);

        var outcome = await sender.SendAsync(Mail("not-an-address", "Bad"));

        Assert.Equal(MailFailureKind.Permanent, outcome.Failure);
        Assert.Contains("not-an-address", outcome.Detail, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task One_connection_serves_many_mails_and_a_closed_one_is_reopened()
    {
        await using var hangsUp = new ScriptedSmtpServer(hangUpAfterEachMail: true);
        var options = maildev.Options();
        options.Port = hangsUp.Port;
        var logger = new ListLogger<SmtpMailSender>();
        await using var sender = Sender(options, logger: logger);

        var outcomes = new List<MailSendOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await sender.SendAsync(Mail($"r{i}@example.org", "Again")));
        }

        Assert.All(outcomes, outcome => Assert.True(outcome.Accepted, outcome.Detail));
        Assert.Equal(3, hangsUp.AcceptedMails);
        Assert.Equal(3, hangsUp.Connections);
        Assert.Contains(logger.Lines, line => line.Contains("reconnecting", StringComparison.Ordinal));

        await using var keepsOpen = new ScriptedSmtpServer();
        options.Port = keepsOpen.Port;
        await using var reusing = Sender(options);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await reusing.SendAsync(Mail($"s{i}@example.org", "Again"))).Accepted);
        }

        Assert.Equal(1, keepsOpen.Connections);
    }

    [Fact]
    public async Task Logs_mask_the_recipient_even_inside_the_servers_reply()
    {
        await using var server = new ScriptedSmtpServer(refused: ["david@example.org"]);
        var options = maildev.Options();
        options.Port = server.Port;
        var logger = new ListLogger<SmtpMailSender>();
        await using var sender = Sender(options, logger: logger);

        await sender.SendAsync(Mail("david@example.org", "Masked"));
        await sender.SendAsync(Mail("sarah@example.org", "Masked"));

        var lines = string.Join('\n', logger.Lines);
        Assert.Contains("d***@example.org", lines, StringComparison.Ordinal);
        Assert.Contains("s***@example.org", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("david@", lines, StringComparison.Ordinal);
        Assert.DoesNotContain("sarah@", lines, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sender_logs_in_once_per_connection_and_never_logs_the_password()
    {
        await using var server = new ScriptedSmtpServer(login: ("AKIAEXAMPLE", "s3cret-password"));
        var options = LoginTo(server, "s3cret-password");
        var logger = new ListLogger<SmtpMailSender>();
        await using var sender = Sender(options, logger: logger);

        Assert.True((await sender.SendAsync(Mail("one@example.org", "Login"))).Accepted);
        Assert.True((await sender.SendAsync(Mail("two@example.org", "Login"))).Accepted);

        Assert.Equal(1, server.Logins);
        Assert.DoesNotContain(logger.Lines, line => line.Contains("s3cret-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_login_is_rejected_and_its_password_stays_out_of_the_outcome_and_the_logs()
    {
        await using var server = new ScriptedSmtpServer(login: ("AKIAEXAMPLE", "s3cret-password"));
        var options = LoginTo(server, "wrong-password");
        var logger = new ListLogger<SmtpMailSender>();
        await using var sender = Sender(options, logger: logger);

        var outcome = await sender.SendAsync(Mail("one@example.org", "Login"));

        Assert.Equal(MailFailureKind.Rejected, outcome.Failure);
        Assert.Equal(0, server.AcceptedMails);
        Assert.DoesNotContain("wrong-password", outcome.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Lines, line => line.Contains("wrong-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_hundred_concurrent_mails_all_arrive_over_one_sender()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var sender = Sender(maildev.Options(ratePerSecond: 1000));
        var recipients = Enumerable.Range(0, 200).Select(i => $"bulk{i}-{run}@example.org").ToList();

        var clock = Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(recipients.Select(to => sender.SendAsync(Mail(to, "Bulk " + run))));
        clock.Stop();

        Assert.All(outcomes, outcome => Assert.True(outcome.Accepted, outcome.Detail));
        Assert.Equal(200, outcomes.Select(outcome => outcome.MessageId).Distinct().Count());
        var arrived = await maildev.WaitForMailsAsync(m => m.GetProperty("subject").GetString() == "Bulk " + run, count: 200);
        Assert.Equal(200, arrived.Count);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"200 mails in {clock.Elapsed.TotalSeconds:F2} s: {200 / clock.Elapsed.TotalSeconds:F0} mails/s"));
    }

    private static string Unfold(string source) => source.Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
}
