namespace Mitzvah.Core.Consent;

/// <summary>Twilio addresses WhatsApp users as <c>whatsapp:+14155552671</c>; the rest of the product uses the bare number.</summary>
public static class WhatsAppAddress
{
    /// <summary>The address prefix.</summary>
    public const string Prefix = "whatsapp:";

    /// <summary>The number without the prefix (case-insensitive); other values unchanged; null stays null.</summary>
    public static string? ToPhone(string? address) =>
        address is not null && address.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? address[Prefix.Length..] : address;
}
