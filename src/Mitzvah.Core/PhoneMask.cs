using Mitzvah.Core.Consent;

namespace Mitzvah.Core;

/// <summary>Masks subscriber keys for logs: <c>+15551234567</c> becomes <c>+1555***4567</c>, <c>mailto:dina@example.org</c> <c>d***@example.org</c>.</summary>
public static class PhoneMask
{
    /// <summary>Keeps the first five and last four characters of numbers long enough to hide anything.</summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "(none)";
        }

        if (AddressKey.EmailOf(phone) is { } address)
        {
            // An email-only subscriber's key: its address, masked as addresses are.
            return Mail.EmailMask.Mask(address);
        }

        var number = WhatsAppAddress.ToPhone(phone)!;
        return number.Length <= 9 ? "***" : $"{number[..5]}***{number[^4..]}";
    }
}
