namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>What the host would answer the HTTP client, from the worker's <c>RpcHttp</c> return value.</summary>
internal sealed record EmulatedHttpResponse
{
    public required int StatusCode { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public required string Body { get; init; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
