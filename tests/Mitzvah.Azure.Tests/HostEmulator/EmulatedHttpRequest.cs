namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>An HTTP request as it reaches the Functions host, before the host turns it into an invocation.</summary>
internal sealed record EmulatedHttpRequest
{
    public required string Method { get; init; }

    /// <summary>Path and query below the host's base URL, e.g. <c>api/send?dry_run=true</c>.</summary>
    public required string PathAndQuery { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public string? ContentType { get; init; }

    public string Body { get; init; } = "";
}
