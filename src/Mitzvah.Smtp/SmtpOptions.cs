namespace Mitzvah.Smtp;

/// <summary>SMTP settings, bound from the flat environment names of <see cref="SmtpSettingNames"/>.</summary>
public sealed class SmtpOptions
{
    /// <summary><c>SMTP_HOST</c>.</summary>
    public string? Host { get; set; }

    /// <summary><c>SMTP_PORT</c>, default 587.</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>SMTP_SECURITY</c>, default STARTTLS.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary><c>SMTP_USERNAME</c>; with it, <see cref="Password"/> is required.</summary>
    public string? Username { get; set; }

    /// <summary><c>SMTP_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary><c>MAIL_FROM</c>: <c>Name &lt;address&gt;</c> or a bare address.</summary>
    public string? From { get; set; }

    /// <summary><c>MAIL_RATE_PER_SECOND</c>, default 1 (an SES sandbox's limit; production accounts start at 14).</summary>
    public double RatePerSecond { get; set; } = 1;

    /// <summary>How long one SMTP command may take before it counts as a (transient) timeout.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // The setting's text as given, so the validator can name a value that was not a number or a known word.
    internal string? PortText { get; set; }

    internal string? SecurityText { get; set; }

    internal string? RateText { get; set; }
}
