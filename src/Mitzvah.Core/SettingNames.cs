namespace Mitzvah.Core;

/// <summary>
/// The flat environment-variable names operators set, the same on every host. <c>RECIPIENTS</c> and
/// <c>WEBHOOK_TOKEN</c> are the original deployment's and keep their meaning; each adapter names its own settings.
/// </summary>
public static class SettingNames
{
    /// <summary>Comma-separated E.164 recipients, used when no subscriber store is configured.</summary>
    public const string Recipients = "RECIPIENTS";

    /// <summary>Token the web opt-in form must carry, when set.</summary>
    public const string WebhookToken = "WEBHOOK_TOKEN";

    /// <summary>The public URL the messaging provider calls for the consent webhook (the base of its signatures).</summary>
    public const string PublicConsentUrl = "PUBLIC_CONSENT_URL";

    /// <summary>Token that protects the manual send trigger.</summary>
    public const string SendToken = "SEND_TOKEN";

    /// <summary>Send time zone (IANA id), default America/Chicago.</summary>
    public const string TimeZone = "MITZVAH_TIME_ZONE";

    /// <summary>Local send time (<c>HH:mm</c>) of subscribers who chose none, default 10:00.</summary>
    public const string SendTime = "MITZVAH_SEND_TIME";

    /// <summary>"true" to use the Israeli festival calendar.</summary>
    public const string InIsrael = "MITZVAH_IN_ISRAEL";

    /// <summary>"false" to send on Shabbat and Yom Tov too.</summary>
    public const string SkipRestDays = "MITZVAH_SKIP_REST_DAYS";

    /// <summary>The most messages in flight at once during the daily run (default 16).</summary>
    public const string SendConcurrency = "MITZVAH_SEND_CONCURRENCY";

    /// <summary>
    /// Minutes before WhatsApp's 24-hour window closes that a recipient already counts as outside it (default 60);
    /// outside it the daily message goes as the template.
    /// </summary>
    public const string WindowMarginMinutes = "MITZVAH_WINDOW_MARGIN_MINUTES";

    /// <summary>Web opt-ins admitted per client address per hour (default 5).</summary>
    public const string WebOptInsPerHour = "MITZVAH_WEB_OPTINS_PER_HOUR";

    /// <summary>The local runner's outbox folder when no messaging provider is configured (default <c>./outbox</c>).</summary>
    public const string Outbox = "MITZVAH_OUTBOX";

    /// <summary>The secret (at least 32 characters) that signs email confirmation and unsubscribe links.</summary>
    public const string MailLinkSecret = "MAIL_LINK_SECRET";

}
