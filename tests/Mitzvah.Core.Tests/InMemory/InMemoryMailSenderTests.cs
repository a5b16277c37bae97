using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.InMemory;

/// <summary>The in-memory mail sender the mail tests rely on.</summary>
public sealed class InMemoryMailSenderTests
{
    [Fact]
    public async Task Scripted_failures_apply_to_the_next_sends_only_and_every_send_is_kept()
    {
        var sender = new InMemoryMailSender();
        sender.FailNext(2, MailFailureKind.Permanent, 550, "no such user");

        var outcomes = new List<MailSendOutcome>();
        for (var i = 0; i < 3; i++)
        {
            outcomes.Add(await sender.SendAsync(Mail($"r{i}@example.org", "text")));
        }

        Assert.Equal([false, false, true], outcomes.Select(outcome => outcome.Accepted));
        Assert.Equal((MailFailureKind.Permanent, 550), (outcomes[0].Failure, outcomes[0].StatusCode));
        Assert.Equal(["r0@example.org", "r1@example.org", "r2@example.org"], sender.Sends.Select(mail => mail.To));
        Assert.Equal("r2@example.org", Assert.Single(sender.Accepted).To);
        Assert.Equal(outcomes, sender.Outcomes);
    }

    [Fact]
    public async Task Concurrent_sends_are_all_kept_with_distinct_message_ids()
    {
        var sender = new InMemoryMailSender();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => sender.SendAsync(Mail($"r{i}@example.org", "text")))));

        Assert.Equal(200, sender.Sends.Count);
        Assert.Equal(200, outcomes.Select(outcome => outcome.MessageId).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_token_of_a_link_in_the_text_part_is_found_by_its_path()
    {
        var mail = Mail("dina@example.org", "Confirm: https://mitzvah.test/email/confirm?token=abc.d-_f\n\nUnsubscribe: https://mitzvah.test/unsubscribe?token=xyz.123\n");

        Assert.Equal("abc.d-_f", InMemoryMailSender.TokenOf(mail, RoutePaths.EmailConfirm));
        Assert.Equal("xyz.123", InMemoryMailSender.TokenOf(mail, RoutePaths.Unsubscribe));
        Assert.Null(InMemoryMailSender.LinkOf(mail, RoutePaths.Consent));
        Assert.Throws<InvalidOperationException>(() => InMemoryMailSender.TokenOf(mail, RoutePaths.Consent));
    }

    private static OutgoingMail Mail(string to, string text) => new() { To = to, Subject = "Daily Mitzvah", Html = "<p>hi</p>", Text = text };
}
