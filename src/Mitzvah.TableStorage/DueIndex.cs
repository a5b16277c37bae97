using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Mitzvah.Core.Consent;

namespace Mitzvah.TableStorage;

/// <summary>The due index entities that sit beside the subscribers in their one partition, and the listing's tokens.</summary>
/// <remarks>
/// An index entity's RowKey is <c>~due~{milliseconds:D15}~{phone}</c>, the phone an <see cref="AddressKey"/>: "~" sorts
/// after the "+" of every number and the "m" of every <c>mailto:</c> key (whose addresses hold no "~"), and
/// fixed-width milliseconds since the Unix epoch sort as numbers, so a RowKey range is a (time, phone) range. Fifteen
/// digits reach the year 33658; instants before 1970 share 0. The entity has no <c>Status</c>, <c>UnreachableSince</c>
/// or other subscriber property, so no subscriber listing or count ever matches it.
/// </remarks>
internal static class DueIndex
{
    /// <summary>What every index RowKey starts with; no other RowKey does.</summary>
    public const string Prefix = "~due~";

    private const int DigitCount = 15;
    private const long MaxMilliseconds = 999_999_999_999_998;
    private const string NotIssued = "The continuation token is not one this store issued.";

    /// <summary>The index RowKey <paramref name="subscriber"/> must have, or <see langword="null"/> when it is never due.</summary>
    public static string? KeyOf(Subscriber subscriber) =>
        subscriber.Status == ConsentStatus.OptedIn && !subscriber.IsUnreachable && subscriber.NextSendAt is { } next
            ? string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Milliseconds(next):D15}~{subscriber.Phone}")
            : null;

    /// <summary>A RowKey above the key of every subscriber due at <paramref name="at"/> and below every later one.</summary>
    public static string UpperBound(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Milliseconds(at) + 1:D15}");

    public static string PhoneOf(string key) => key[(Prefix.Length + DigitCount + 1)..];

    public static TableEntity Entity(string partition, string key) => new(partition, key)
    {
        [TableValues.SchemaVersionProperty] = TableValues.SubscriberSchemaVersion,
    };

    /// <summary>The token of a page that ended at the index entity <paramref name="key"/>.</summary>
    public static string ToToken(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>The index RowKey a page starts after; <see langword="null"/> for the first page.</summary>
    /// <exception cref="ArgumentException"><paramref name="continuationToken"/> is not a token <see cref="ToToken"/> issued.</exception>
    public static string? After(string? continuationToken)
    {
        if (continuationToken is null)
        {
            return null;
        }

        string key;
        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuationToken));
        }
        catch (FormatException exception)
        {
            throw new ArgumentException(NotIssued, nameof(continuationToken), exception);
        }

        return IsKey(key) ? key : throw new ArgumentException(NotIssued, nameof(continuationToken));
    }

    private static bool IsKey(string key) =>
        key.Length > Prefix.Length + DigitCount + 1
        && key.StartsWith(Prefix, StringComparison.Ordinal)
        && key.AsSpan(Prefix.Length, DigitCount).ContainsAnyExceptInRange('0', '9') is false
        && key[Prefix.Length + DigitCount] == '~'
        && AddressKey.IsValid(PhoneOf(key));

    private static long Milliseconds(DateTimeOffset at) => Math.Clamp(at.ToUnixTimeMilliseconds(), 0, MaxMilliseconds);
}
