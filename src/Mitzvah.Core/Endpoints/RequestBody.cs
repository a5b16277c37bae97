using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mitzvah.Core.Endpoints;

/// <summary>Reads form and JSON bodies strictly: malformed input is reported, never guessed at.</summary>
internal static class RequestBody
{
    public const int MaxBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;

    /// <summary>Parses <c>application/x-www-form-urlencoded</c>; the first value of a repeated key wins.</summary>
    public static bool TryParseForm(ReadOnlyMemory<byte> body, out Dictionary<string, string> form)
    {
        form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryDecode(body, out var text))
        {
            return false;
        }

        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = separator < 0 ? pair : pair[..separator];
            var rawValue = separator < 0 ? string.Empty : pair[(separator + 1)..];
            if (!TryUnescape(rawKey, out var key) || !TryUnescape(rawValue, out var value) || key.Length == 0)
            {
                return false;
            }

            form.TryAdd(key, value);
        }

        return true;
    }

    /// <summary>Parses a JSON object body.</summary>
    public static bool TryParseJsonObject(ReadOnlyMemory<byte> body, out JsonElement root)
    {
        root = default;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            root = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecode(ReadOnlyMemory<byte> body, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(body.Span);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static bool TryUnescape(string raw, out string value)
    {
        value = string.Empty;
        var plus = raw.Replace('+', ' ');
        for (var i = plus.IndexOf('%', StringComparison.Ordinal); i >= 0; i = plus.IndexOf('%', i + 1))
        {
            if (i + 2 >= plus.Length || !Uri.IsHexDigit(plus[i + 1]) || !Uri.IsHexDigit(plus[i + 2]))
            {
                return false;
            }
        }

        value = Uri.UnescapeDataString(plus);
        return !value.Contains('\uFFFD', StringComparison.Ordinal);
    }
}
