namespace Mitzvah.Testing.Consent;

/// <summary>What a host answered.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">Content-Type header.</param>
/// <param name="Body">Body text.</param>
/// <param name="RetryAfter">The <c>Retry-After</c> header, if any.</param>
public sealed record ScenarioResponse(int StatusCode, string? ContentType, string Body, string? RetryAfter = null);
