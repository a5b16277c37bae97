using System.Text.Json;

namespace Mitzvah.Testing.Lambda;

/// <summary>What a function posted to the Runtime API stand-in: an invocation's response or error, or an init error.</summary>
public sealed record RuntimeApiPost
{
    /// <summary><c>response</c>, <c>error</c> or <c>init/error</c>: the last segment(s) of the path posted to.</summary>
    public required string Kind { get; init; }

    /// <summary>The invocation's request id; empty for an init error.</summary>
    public required string RequestId { get; init; }

    /// <summary>The body as posted.</summary>
    public required string Body { get; init; }

    /// <summary>The <c>Lambda-Runtime-Function-Error-Type</c> header, when sent.</summary>
    public string? ErrorTypeHeader { get; init; }

    /// <summary>Whether the post reports a failure.</summary>
    public bool IsError => Kind != "response";

    /// <summary>The body as JSON.</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
