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

    /// <summary>Azure Table Storage connection string (local and Azurite, e.g. <c>UseDevelopmentStorage=true</c>); excludes <see cref="AzureTablesEndpoint"/>.</summary>
    public const string AzureTablesConnectionString = "AZURE_TABLES_CONNECTION_STRING";

    /// <summary>Azure Table Storage service URL, reached with the managed identity; excludes <see cref="AzureTablesConnectionString"/>.</summary>
    public const string AzureTablesEndpoint = "AZURE_TABLES_ENDPOINT";

    /// <summary>Prefix of the Azure table names (<c>{prefix}Subscribers</c>, …), default <c>Mitzvah</c>.</summary>
    public const string AzureTablesPrefix = "AZURE_TABLES_PREFIX";

    /// <summary>DynamoDB consent history table name (key: phone, version).</summary>
    public const string ConsentHistoryTable = "CONSENT_HISTORY_TABLE";

    /// <summary>DynamoDB delivery ledger table name (key: study_date, phone).</summary>
    public const string DeliveriesTable = "DELIVERIES_TABLE";

    /// <summary>The most messages in flight at once during the daily run (default 16).</summary>
    public const string SendConcurrency = "MITZVAH_SEND_CONCURRENCY";

    /// <summary>The approved WhatsApp template (Twilio Content SID, <c>HX…</c>); when set, messages use template mode.</summary>
    public const string WhatsAppTemplateSid = "WHATSAPP_TEMPLATE_SID";

    /// <summary>Optional Twilio Messaging Service SID (<c>MG…</c>) to send through.</summary>
    public const string TwilioMessagingServiceSid = "TWILIO_MESSAGING_SERVICE_SID";

    /// <summary>Optional URL Twilio calls with delivery status updates.</summary>
    public const string TwilioStatusCallbackUrl = "TWILIO_STATUS_CALLBACK_URL";

    /// <summary>Where Twilio REST calls go (default <c>https://api.twilio.com</c>); set to use a stand-in.</summary>
    public const string TwilioApiBaseUrl = "TWILIO_API_BASE_URL";

    /// <summary>The local runner's outbox folder when no Twilio credentials are configured (default <c>./outbox</c>).</summary>
    public const string Outbox = "MITZVAH_OUTBOX";
}
