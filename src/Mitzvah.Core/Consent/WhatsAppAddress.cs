namespace Mitzvah.Core.Consent;

/// <summary>
/// A WhatsApp address written with its channel prefix (<c>whatsapp:+14155552671</c>), as operators paste them; the
/// rest of the product uses the bare number.
/// </summary>
public static class WhatsAppAddress
{
    /// <summary>The address prefix.</summary>
    public const string Prefix = "whatsapp:";

    /// <summary>The number without the prefix (case-insensitive); other values unchanged; null stays null.</summary>
    public static string? ToPhone(string? address) =>
        address is not null && address.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? address[Prefix.Length..] : address;
}
