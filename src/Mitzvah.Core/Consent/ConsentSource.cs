namespace Mitzvah.Core.Consent;

/// <summary>Where a consent change came from. Stored as <c>whatsapp_keyword</c>, <c>web_form</c>, <c>admin</c>, <c>delivery</c>.</summary>
public enum ConsentSource
{
    /// <summary>A keyword the subscriber sent to the WhatsApp number.</summary>
    WhatsAppKeyword,

    /// <summary>The web opt-in page or its API.</summary>
    WebForm,

    /// <summary>An operator, through the command line.</summary>
    Admin,

    /// <summary>The messaging provider's answer to a delivery (e.g. the recipient blocked the sender).</summary>
    Delivery,
}
