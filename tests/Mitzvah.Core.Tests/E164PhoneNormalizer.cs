using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests;

/// <summary>Accepts E.164 as it is and nothing else: enough for Core's tests, which must not depend on an adapter.</summary>
internal sealed class E164PhoneNormalizer : IPhoneNumberNormalizer
{
    public string? Normalize(string? input) =>
        input?.Trim() is { Length: > 8 } trimmed && trimmed.StartsWith('+') && trimmed[1..].All(char.IsAsciiDigit) ? trimmed : null;
}
