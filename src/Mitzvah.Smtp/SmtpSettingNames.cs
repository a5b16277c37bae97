namespace Mitzvah.Smtp;

/// <summary>The SMTP adapter's environment-variable names.</summary>
public static class SmtpSettingNames
{
    /// <summary>The SMTP server, e.g. <c>email-smtp.eu-west-1.amazonaws.com</c>; when unset, no SMTP sender is registered.</summary>
    public const string SmtpHost = "SMTP_HOST";

    /// <summary>The server's port (default 587).</summary>
    public const string SmtpPort = "SMTP_PORT";

    /// <summary><c>starttls</c> (default), <c>tls</c> (TLS from the first byte, usually port 465) or <c>none</c> (local servers only).</summary>
    public const string SmtpSecurity = "SMTP_SECURITY";

    /// <summary>The SMTP login; when unset, mails are sent without logging in.</summary>
    public const string SmtpUsername = "SMTP_USERNAME";

    /// <summary>The SMTP password (never logged).</summary>
    public const string SmtpPassword = "SMTP_PASSWORD";

    /// <summary>The sender, an address with an optional display name: <c>Daily Mitzvah &lt;mitzvah@example.org&gt;</c>.</summary>
    public const string MailFrom = "MAIL_FROM";

    /// <summary>The most mails per second handed to the server, across all callers (default 1).</summary>
    public const string MailRatePerSecond = "MAIL_RATE_PER_SECOND";
}
