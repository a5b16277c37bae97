namespace Mitzvah.Core.Consent;

/// <summary>Settings of the consent endpoint.</summary>
public sealed class ConsentOptions
{
    /// <summary>The service's name as subscribers see it.</summary>
    public string ServiceName { get; set; } = "Daily Mitzvah";

    /// <summary>
    /// The URL the messaging provider calls (<c>PUBLIC_CONSENT_URL</c>). Signatures are computed over it, and proxies or function URLs
    /// change what the code sees, so hosts use this when set.
    /// </summary>
    public Uri? PublicConsentUrl { get; set; }

    /// <summary>When set (<c>WEBHOOK_TOKEN</c>), web submissions must carry it in <c>X-Webhook-Token</c> or a <c>token</c> field.</summary>
    public string? WebhookToken { get; set; }

    /// <summary>The WhatsApp number subscribers write to E.164; set by the messaging adapter from its settings.</summary>
    public string? WhatsAppNumber { get; set; }

    /// <summary>The consent text shown on the web page; its version is recorded with every web opt-in.</summary>
    public string ConsentText { get; set; } =
        "I agree to receive one WhatsApp message a day from Daily Mitzvah with the day's Sefer HaMitzvos study. "
        + "I can reply STOP at any time to unsubscribe.";

    /// <summary>
    /// Web opt-ins admitted per client address per hour (<c>MITZVAH_WEB_OPTINS_PER_HOUR</c>, 1-10000, default 5),
    /// counted in the store so that every instance shares the count.
    /// </summary>
    public int WebOptInsPerHour { get; set; } = 5;

    /// <summary>What a reader agrees to when signing up for the mail (email, both or fallback), as the page shows it.</summary>
    public string EmailConsentText { get; set; } =
        "I agree to receive the day's Sefer HaMitzvos study from Daily Mitzvah by email, once a day. "
        + "I can unsubscribe at any time with the link in every mail.";

    /// <summary>Version of <see cref="EmailConsentText"/>, recorded with every email sign-up; change it whenever the text changes.</summary>
    public string EmailConsentTextVersion { get; set; } = "2026-12-02-email";

    /// <summary>Version of <see cref="ConsentText"/>; change it whenever the text changes.</summary>
    public string ConsentTextVersion { get; set; } = "2026-11-25";
}
