namespace Mitzvah.Smtp;

/// <summary>How the connection to the SMTP server is protected (<see cref="SmtpSettingNames.SmtpSecurity"/>).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which the server must offer (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption: for a local test server only.</summary>
    None,
}
