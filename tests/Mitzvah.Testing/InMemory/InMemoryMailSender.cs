using System.Text.RegularExpressions;
using Mitzvah.Core.Mail;

namespace Mitzvah.Testing.InMemory;

/// <summary>
/// A mail sender that keeps every mail it is given, for unit tests: accepted unless scripted to fail. Thread-safe.
/// </summary>
public sealed partial class InMemoryMailSender : IMailSender
{
    private readonly Lock _gate = new();
    private readonly List<(OutgoingMail Mail, MailSendOutcome Outcome)> _sends = [];
    private readonly Queue<MailSendOutcome> _script = new();
    private int _next;

    /// <summary>Every mail given to <see cref="SendAsync"/>, accepted or not, in call order.</summary>
    public IReadOnlyList<OutgoingMail> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends.Select(send => send.Mail)];
            }
        }
    }

    /// <summary>The mails that were accepted, in call order.</summary>
    public IReadOnlyList<OutgoingMail> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends.Where(send => send.Outcome.Accepted).Select(send => send.Mail)];
            }
        }
    }

    /// <summary>The outcome each call got, in call order.</summary>
    public IReadOnlyList<MailSendOutcome> Outcomes
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends.Select(send => send.Outcome)];
            }
        }
    }

    /// <summary>The next <paramref name="count"/> sends fail with <paramref name="kind"/> and <paramref name="statusCode"/>; later ones are accepted again.</summary>
    public void FailNext(int count, MailFailureKind kind, int? statusCode = null, string detail = "scripted failure")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            for (var i = 0; i < count; i++)
            {
                _script.Enqueue(MailSendOutcome.Failed(kind, statusCode, detail));
            }
        }
    }

    /// <inheritdoc />
    public string Sender { get; init; } = "Mitzvah@Example.org";

    /// <inheritdoc />
    public Task<MailSendOutcome> SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mail);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var outcome = _script.TryDequeue(out var scripted) ? scripted : MailSendOutcome.Sent($"mail-{++_next}@in-memory");
            _sends.Add((mail, outcome));
            return Task.FromResult(outcome);
        }
    }

    /// <summary>The token of the first link to <paramref name="path"/> in <paramref name="mail"/>'s text part (a confirmation or unsubscribe link).</summary>
    /// <exception cref="InvalidOperationException">The text part has no such link.</exception>
    public static string TokenOf(OutgoingMail mail, string path) =>
        TokenOf(LinkOf(mail, path) ?? throw new InvalidOperationException($"The mail's text has no link to {path}."));

    /// <summary>The <c>token</c> query parameter of <paramref name="link"/>.</summary>
    /// <exception cref="InvalidOperationException">The link has no token.</exception>
    public static string TokenOf(Uri link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Token().Match(link.Query) is { Success: true } match
            ? Uri.UnescapeDataString(match.Groups[1].Value)
            : throw new InvalidOperationException($"{link} has no token.");
    }

    /// <summary>The first link to <paramref name="path"/> in <paramref name="mail"/>'s text part, or <see langword="null"/>.</summary>
    public static Uri? LinkOf(OutgoingMail mail, string path)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return Link().Matches(mail.Text)
            .Select(match => new Uri(match.Value))
            .FirstOrDefault(uri => string.Equals(uri.AbsolutePath, path, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"https?://[^\s<>""]+")]
    private static partial Regex Link();

    [GeneratedRegex(@"[?&]token=([^&]+)")]
    private static partial Regex Token();
}
