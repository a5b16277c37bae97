using Mitzvah.Testing.StandIns;

namespace Mitzvah.Smtp.Tests;

/// <summary>Senders to the shared maildev.</summary>
internal static class MaildevSenders
{
    /// <summary>The options for a sender to this maildev (no TLS, no login).</summary>
    public static SmtpOptions Options(this MaildevFixture maildev, double ratePerSecond = 1000, string from = "Daily Mitzvah <mitzvah@example.org>") => new()
    {
        Host = maildev.SmtpHost,
        Port = maildev.SmtpPort,
        Security = SmtpSecurity.None,
        From = from,
        RatePerSecond = ratePerSecond,
    };
}

/// <summary>The tests that share one <see cref="MaildevFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedMaildev : ICollectionFixture<MaildevFixture>
{
    public const string Name = "maildev";
}
