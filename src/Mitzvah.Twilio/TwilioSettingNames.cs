namespace Mitzvah.Twilio;

/// <summary>The Twilio adapter's environment-variable names (the first three are the original deployment's).</summary>
public static class TwilioSettingNames
{
    /// <summary>Twilio account SID.</summary>
    public const string TwilioAccountSid = "TWILIO_ACCOUNT_SID";

    /// <summary>Twilio auth token: signs webhooks and authenticates REST calls.</summary>
    public const string TwilioAuthToken = "TWILIO_AUTH_TOKEN";

    /// <summary>The WhatsApp sender, E.164 (with or without <c>whatsapp:</c>).</summary>
    public const string TwilioWhatsAppNumber = "TWILIO_WHATSAPP_NUMBER";

    /// <summary>The approved WhatsApp template (Twilio Content SID, <c>HX…</c>); when set, messages use template mode.</summary>
    public const string WhatsAppTemplateSid = "WHATSAPP_TEMPLATE_SID";

    /// <summary>
    /// The approved WhatsApp template (<c>HX…</c>) that asks the owner of a number entered on the web to confirm
    /// (answered with YES); when unset, owners confirm by writing JOIN MITZVAH.
    /// </summary>
    public const string WhatsAppConfirmTemplateSid = "WHATSAPP_CONFIRM_TEMPLATE_SID";

    /// <summary>Optional Twilio Messaging Service SID (<c>MG…</c>) to send through.</summary>
    public const string TwilioMessagingServiceSid = "TWILIO_MESSAGING_SERVICE_SID";

    /// <summary>Optional URL Twilio calls with delivery status updates.</summary>
    public const string TwilioStatusCallbackUrl = "TWILIO_STATUS_CALLBACK_URL";

    /// <summary>Where Twilio REST calls go (default <c>https://api.twilio.com</c>); set to use a stand-in.</summary>
    public const string TwilioApiBaseUrl = "TWILIO_API_BASE_URL";
}
