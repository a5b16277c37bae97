namespace Mitzvah.Testing.Consent;

/// <summary>What a host answered.</summary>
public sealed record ScenarioResponse(int StatusCode, string? ContentType, string Body);
