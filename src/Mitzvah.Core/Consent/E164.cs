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

    // [0-9] rather than \d, which also matches non-ASCII digits; \z rather than $, which also matches before a
    // trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
