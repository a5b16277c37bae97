using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Mitzvah.Core.Consent;

/// <summary>
/// The E.164 check every store applies to a phone number before touching its data, so that all stores accept and
/// reject the same values.
/// </summary>
public static partial class E164
{
    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) unless <paramref name="phone"/> is E.164.</summary>
    public static void ThrowIfInvalid([NotNull] string? phone, string paramName)
    {
        ArgumentNullException.ThrowIfNull(phone, paramName);
        if (!IsValid(phone))
        {
            throw new ArgumentException("The phone number must be in E.164 form, e.g. +14155552671.", paramName);
        }
    }

    /// <summary>Whether <paramref name="phone"/> is "+", a non-zero digit and 6 to 14 more ASCII digits.</summary>
    public static bool IsValid(string phone) => Pattern().IsMatch(phone);

    /// <summary>
    /// The country calling code of the E.164 number <paramref name="phone"/> with its plus sign ("+1", "+44",
    /// "+972"), for counts by country that must not reveal numbers.
    /// </summary>
    /// <remarks>
    /// Calling codes form a prefix code (ITU-T E.164 assignments): 1 and 7 are the only one-digit codes, the two-digit
    /// ones are listed below, and every other code has three digits. That fixed rule is all a count needs, so no
    /// phone-number library is involved.
    /// </remarks>
    /// <exception cref="ArgumentException">The number is not E.164.</exception>
    public static string CountryCallingCode(string phone)
    {
        ThrowIfInvalid(phone, nameof(phone));
        if (phone[1] is '1' or '7')
        {
            return phone[..2];
        }

        return TwoDigitCodes.Contains(phone[1..3]) ? phone[..3] : phone[..4];
    }

    private static readonly HashSet<string> TwoDigitCodes =
    [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ];

    // [0-9] rather than \d, which also matches non-ASCII digits; \z rather than $, which also matches before a
    // trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
