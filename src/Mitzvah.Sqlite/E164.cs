using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Mitzvah.Sqlite;

/// <summary>The phone number check every store operation applies before touching the database.</summary>
internal static partial class E164
{
    public static void ThrowIfInvalid([NotNull] string? phone, string paramName)
    {
        ArgumentNullException.ThrowIfNull(phone, paramName);
        if (!IsValid(phone))
        {
            throw new ArgumentException("The phone number must be in E.164 form, e.g. +15551234567.", paramName);
        }
    }

    public static bool IsValid(string phone) => Pattern().IsMatch(phone);

    // [0-9] rather than \d, which also matches non-ASCII digits; \z rather than $, which also matches before a
    // trailing newline.
    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
