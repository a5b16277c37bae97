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
}
