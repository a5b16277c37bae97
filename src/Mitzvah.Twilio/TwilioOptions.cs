namespace Mitzvah.Twilio;

/// <summary>Twilio settings, bound from the flat environment names (see <see cref="Core.SettingNames"/>).</summary>
public sealed class TwilioOptions
{
    /// <summary><c>TWILIO_ACCOUNT_SID</c>.</summary>
    public string? AccountSid { get; set; }

    /// <summary><c>TWILIO_AUTH_TOKEN</c>: authenticates REST calls and signs webhooks.</summary>
    public string? AuthToken { get; set; }

    /// <summary><c>TWILIO_WHATSAPP_NUMBER</c>: the sender, E.164 without the <c>whatsapp:</c> prefix.</summary>
    public string? WhatsAppNumber { get; set; }

    /// <summary><c>TWILIO_MESSAGING_SERVICE_SID</c>: optional; when set, messages go through this Messaging Service.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// <c>TWILIO_STATUS_CALLBACK_URL</c>: where Twilio posts delivery status updates (each send adds
    /// <c>?date=yyyy-MM-dd</c>). Defaults to <c>PUBLIC_CONSENT_URL</c>'s origin + <c>/api/status</c>; with neither,
    /// no callbacks are asked for.
    /// </summary>
    public Uri? StatusCallbackUrl { get; set; }

    /// <summary><c>WHATSAPP_TEMPLATE_SID</c>: optional; when set, messages are sent as this approved template.</summary>
    public string? TemplateSid { get; set; }

    /// <summary><c>WHATSAPP_CONFIRM_TEMPLATE_SID</c>: optional; when set, each web opt-in sends this template to the number.</summary>
    public string? ConfirmTemplateSid { get; set; }

    /// <summary><c>TWILIO_API_BASE_URL</c>: where every REST call goes instead of <c>https://api.twilio.com</c>.</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>How long one REST call may take before it counts as a (transient) timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
