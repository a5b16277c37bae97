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

    /// <summary>
    /// Reads a request body for <see cref="Body"/>: all of it up to the endpoints' 64 KiB limit, and one byte more
    /// when it is longer, so that the endpoint answers 413 while the host never buffers a huge body.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream? body, CancellationToken cancellationToken = default)
    {
        if (body is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        // One byte past the limit, so the endpoint can answer 413 without the host buffering a huge body.
        var buffer = new byte[RequestBody.MaxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        return buffer.AsMemory(0, length);
    }

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
