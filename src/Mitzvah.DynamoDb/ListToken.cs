using System.Buffers.Text;
using System.Text.Json;
using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>
/// The subscriber list's continuation token: base64url of <c>{"status":…,"after":…}</c>, the status listed and the
/// last phone returned. The next page starts right after that phone, in the index's or the scan's order.
/// </summary>
internal static class ListToken
{
    private const string StatusProperty = "status";
    private const string AfterProperty = "after";

    /// <summary>The token's name for the unreachable listing, which is by mark, not by status.</summary>
    public const string UnreachableListing = "unreachable";

    public static string Encode(ConsentStatus status, string lastPhone) => Encode(status.ToName(), lastPhone);

    public static string Decode(string token, ConsentStatus status, string paramName) => Decode(token, status.ToName(), paramName);

    public static string Encode(string listing, string lastPhone)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            [StatusProperty] = listing,
            [AfterProperty] = lastPhone,
        });
        return Base64Url.EncodeToString(json);
    }

    /// <summary>The phone to continue after.</summary>
    /// <exception cref="ArgumentException">The token was not issued by <see cref="Encode(string, string)"/> for <paramref name="listing"/>.</exception>
    public static string Decode(string token, string listing, string paramName)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty(StatusProperty, out var statusName)
                && statusName.ValueKind == JsonValueKind.String
                && statusName.GetString() == listing
                && root.TryGetProperty(AfterProperty, out var after)
                && after.ValueKind == JsonValueKind.String
                && after.GetString() is { } phone
                && AddressKey.IsValid(phone))
            {
                return phone;
            }
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw Rejected(paramName, exception);
        }

        throw Rejected(paramName, null);
    }

    private static ArgumentException Rejected(string paramName, Exception? inner) =>
        new("The continuation token is not one this store issued for this status.", paramName, inner);
}
