namespace Mitzvah.Core.Consent;

/// <summary>The wire and storage names of consent values, shared by every store so that they agree.</summary>
public static class ConsentNames
{
    /// <summary>The consent channel of a subscriber with a WhatsApp number.</summary>
    public const string WhatsAppChannel = "whatsapp";

    /// <summary>The only purpose subscribers consent to.</summary>
    public const string DailyMitzvotPurpose = "daily_mitzvot";

    /// <summary>The <see cref="ConsentEvidence.DeliveryState"/> of an entry that marked the number unreachable.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>The <see cref="ConsentEvidence.DeliveryState"/> of an entry that cleared the mark.</summary>
    public const string Reachable = "reachable";

    /// <summary>Email change: an address was linked, unconfirmed.</summary>
    public const string EmailLinked = "linked";

    /// <summary>Email change: the address was confirmed through its link.</summary>
    public const string EmailConfirmed = "confirmed";

    /// <summary>Email change: the address's server refused it permanently.</summary>
    public const string EmailUndeliverable = "undeliverable";

    /// <summary>Email change: the address was removed (unsubscribed from the mail).</summary>
    public const string EmailRemoved = "removed";

    /// <summary>The consent channel of an email-only subscriber.</summary>
    public const string EmailChannel = "email";

    /// <summary>"opted_in", "opted_out", "invalid" or "pending".</summary>
    public static string ToName(this ConsentStatus status) => status switch
    {
        ConsentStatus.OptedIn => "opted_in",
        ConsentStatus.OptedOut => "opted_out",
        ConsentStatus.Invalid => "invalid",
        ConsentStatus.Pending => "pending",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>"whatsapp_keyword", "web_form", "admin" or "delivery".</summary>
    public static string ToName(this ConsentSource source) => source switch
    {
        ConsentSource.WhatsAppKeyword => "whatsapp_keyword",
        ConsentSource.WebForm => "web_form",
        ConsentSource.Admin => "admin",
        ConsentSource.Delivery => "delivery",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    /// <summary>Parses a stored status name.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static ConsentStatus ParseStatus(string name) => name switch
    {
        "opted_in" => ConsentStatus.OptedIn,
        "opted_out" => ConsentStatus.OptedOut,
        "invalid" => ConsentStatus.Invalid,
        "pending" => ConsentStatus.Pending,
        _ => throw new FormatException($"'{name}' is not a consent status."),
    };

    /// <summary>Parses a stored source name.</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static ConsentSource ParseSource(string name) => name switch
    {
        "whatsapp_keyword" => ConsentSource.WhatsAppKeyword,
        "web_form" => ConsentSource.WebForm,
        "admin" => ConsentSource.Admin,
        "delivery" => ConsentSource.Delivery,
        _ => throw new FormatException($"'{name}' is not a consent source."),
    };
}
