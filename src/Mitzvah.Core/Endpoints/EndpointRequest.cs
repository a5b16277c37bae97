namespace Mitzvah.Core.Endpoints;

/// <summary>An HTTP request as every host hands it to Core, whatever its trigger.</summary>
/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">The request path, e.g. <c>/api/consent</c>.</param>
/// <param name="Headers">Request headers; look-ups are case-insensitive.</param>
/// <param name="QueryString">The raw query string without <c>?</c>, or empty.</param>
/// <param name="Body">The raw body.</param>
/// <param name="PublicUrl">The URL the client called, as the outside world sees it (used for webhook signatures).</param>
/// <param name="RemoteAddress">The client's address, if known.</param>
public sealed record EndpointRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string QueryString,
    ReadOnlyMemory<byte> Body,
    Uri PublicUrl,
    string? RemoteAddress)
{
    /// <summary>A header's value, or <see langword="null"/>.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Copies headers into a case-insensitive dictionary (hosts call this once).</summary>
    public static IReadOnlyDictionary<string, string> HeaderDictionary(IEnumerable<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = result.TryGetValue(name, out var existing) ? $"{existing}, {value}" : value;
        }

        return result;
    }
}
