namespace Mitzvah.Core.Endpoints;

/// <summary>An HTTP request as every host hands it to Core, whatever its trigger.</summary>
/// <remarks>
/// Hosts fill in what their transport saw; <see cref="EndpointRouter"/> decides <see cref="PublicUrl"/> and routes
/// read <see cref="ClientAddress"/>, so neither is worked out in a host.
/// </remarks>
public sealed record EndpointRequest
{
    /// <summary>HTTP method, upper case.</summary>
    public required string Method { get; init; }

    /// <summary>The request path that selects the route, e.g. <c>/api/consent</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Request headers; look-ups are case-insensitive.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The raw query string without <c>?</c>, or empty.</summary>
    public string QueryString { get; init; } = string.Empty;

    /// <summary>The raw body.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The absolute URL as the host saw it (scheme, host, path and query).</summary>
    public required Uri Url { get; init; }

    /// <summary>
    /// The URL the client called as the outside world sees it, which webhook signatures are computed over. Set by
    /// <see cref="EndpointRouter"/>; until then the URL the host saw.
    /// </summary>
    public Uri PublicUrl
    {
        get => _publicUrl ?? Url;
        init => _publicUrl = value;
    }

    /// <summary>The peer's address as the transport saw it, if it knows one.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>
    /// The client's address: the first <c>X-Forwarded-For</c> entry when a front end set one (every cloud host runs
    /// behind one, and serverless workers never see the socket), else <see cref="RemoteAddress"/>.
    /// </summary>
    public string? ClientAddress =>
        Header("X-Forwarded-For")?.Split(',')[0].Trim() is { Length: > 0 } forwarded ? forwarded : RemoteAddress;

    private readonly Uri? _publicUrl;

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

    /// <summary>
    /// Parses an <c>application/x-www-form-urlencoded</c> body strictly (the first value of a repeated key wins);
    /// <see langword="false"/> when it is not well-formed UTF-8 form data.
    /// </summary>
    public bool TryReadForm(out IReadOnlyDictionary<string, string> form)
    {
        var ok = RequestBody.TryParseForm(Body, out var parsed);
        form = parsed;
        return ok;
    }
}
