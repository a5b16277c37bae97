namespace Mitzvah.Core;

/// <summary>
/// The flat environment-variable names operators set, the same on every host (the first six are the original
/// deployment's and keep their meaning).
/// </summary>
public static class SettingNames
{
    /// <summary>DynamoDB subscribers table name.</summary>
    public const string SubscribersTable = "SUBSCRIBERS_TABLE";

    /// <summary>Twilio account SID.</summary>
    public const string TwilioAccountSid = "TWILIO_ACCOUNT_SID";

    /// <summary>Twilio auth token: signs webhooks and authenticates REST calls.</summary>
    public const string TwilioAuthToken = "TWILIO_AUTH_TOKEN";

    /// <summary>The WhatsApp sender, E.164 (with or without <c>whatsapp:</c>).</summary>
    public const string TwilioWhatsAppNumber = "TWILIO_WHATSAPP_NUMBER";

    /// <summary>Comma-separated E.164 recipients, used when no subscriber store is configured.</summary>
    public const string Recipients = "RECIPIENTS";

    /// <summary>Token the web opt-in form must carry, when set.</summary>
    public const string WebhookToken = "WEBHOOK_TOKEN";

    /// <summary>The public URL Twilio calls for the consent webhook (signature base).</summary>
    public const string PublicConsentUrl = "PUBLIC_CONSENT_URL";

    /// <summary>Token that protects the manual send trigger.</summary>
    public const string SendToken = "SEND_TOKEN";

    /// <summary>Send time zone (IANA id), default America/Chicago.</summary>
    public const string TimeZone = "MITZVAH_TIME_ZONE";

    /// <summary>"true" to use the Israeli festival calendar.</summary>
    public const string InIsrael = "MITZVAH_IN_ISRAEL";

    /// <summary>"false" to send on Shabbat and Yom Tov too.</summary>
    public const string SkipRestDays = "MITZVAH_SKIP_REST_DAYS";
}
