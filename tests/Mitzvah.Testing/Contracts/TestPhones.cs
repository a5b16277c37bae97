using System.Globalization;

namespace Mitzvah.Testing.Contracts;

/// <summary>Valid E.164 numbers for tests, in the +1 555 range that is never assigned.</summary>
public static class TestPhones
{
    /// <summary>A valid number.</summary>
    public const string Alice = "+15550000101";

    /// <summary>Another valid number.</summary>
    public const string Bob = "+15550000102";

    /// <summary>
    /// The <paramref name="n"/>th of up to ten million distinct numbers; zero-padded, so their string order is their
    /// numeric order.
    /// </summary>
    public static string Numbered(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 9_999_999);
        return "+1555" + n.ToString("D7", CultureInfo.InvariantCulture);
    }
}
