using System.Security.Cryptography;
using System.Text;

namespace Mitzvah.Core.Endpoints;

/// <summary>Compares a supplied token with a configured one without leaking, through timing, how much matched.</summary>
internal static class SecretComparer
{
    // Hashing first makes the comparison length-independent too.
    public static bool Matches(string? supplied, string expected) =>
        supplied is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(supplied)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
