using System.Globalization;

namespace Mitzvah.DynamoDb;

/// <summary>
/// The due index's sort key: <c>{ms:D15}#{phone}</c>, the next send time in Unix milliseconds (15 digits, so that
/// text order is time order) and the phone, so that the index orders by (time, phone) as the due listing must.
/// </summary>
/// <remarks>
/// DynamoDB orders an index's items by its sort key only; equal times would come back in an unspecified order, hence
/// the phone in the key. Instants before 1970, which no change or tick writes, sort as 1970.
/// </remarks>
internal static class DueKeys
{
    public static string For(DateTimeOffset nextSendAt, string phone) => For(nextSendAt.ToUnixTimeMilliseconds(), phone);

    public static string For(long unixMilliseconds, string phone) => Time(unixMilliseconds) + "#" + phone;

    /// <summary>
    /// The greatest key of time <paramref name="at"/>: keys start with the <c>+</c> of a number or the <c>m</c> of
    /// <c>mailto:</c>, which sort before <c>~</c>.
    /// </summary>
    public static string UpTo(DateTimeOffset at) => Time(at.ToUnixTimeMilliseconds()) + "#~";

    private static string Time(long unixMilliseconds) =>
        Math.Max(unixMilliseconds, 0).ToString("D15", CultureInfo.InvariantCulture);
}
