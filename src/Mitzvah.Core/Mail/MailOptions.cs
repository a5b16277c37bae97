namespace Mitzvah.Core.Mail;

/// <summary>What Core needs to send and sign mail; the transport's own settings belong to its adapter.</summary>
public sealed class MailOptions
{
    /// <summary>The shortest <see cref="LinkSecret"/> accepted.</summary>
    public const int MinimumSecretLength = 32;

    /// <summary>Signs confirmation and unsubscribe links (<c>MAIL_LINK_SECRET</c>); required where mail can be sent.</summary>
    public string? LinkSecret { get; set; }

    /// <summary>
    /// Where the links in mails point (their path is Core's route): <c>PUBLIC_CONSENT_URL</c>'s site, or a host's
    /// own address where that is not set (the local server). <see langword="null"/>: mail cannot be sent.
    /// </summary>
    public Uri? LinkBaseUrl { get; set; }

    /// <summary>How long a confirmation link stays valid.</summary>
    public TimeSpan ConfirmationLifetime { get; set; } = TimeSpan.FromDays(7);
}
