using Mitzvah.Core.Consent;

namespace Mitzvah.Core;

/// <summary>Masks phone numbers for logs: <c>+15551234567</c> becomes <c>+1555***4567</c>.</summary>
public static class PhoneMask
{
    /// <summary>Keeps the first five and last four characters of numbers long enough to hide anything.</summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return "(none)";
        }

        var number = WhatsAppAddress.ToPhone(phone)!;
        return number.Length <= 9 ? "***" : $"{number[..5]}***{number[^4..]}";
    }
}
