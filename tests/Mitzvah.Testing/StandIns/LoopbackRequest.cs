namespace Mitzvah.Testing.StandIns;

/// <summary>One request <see cref="LoopbackTwilio"/> received.</summary>
/// <param name="Method">"POST" (send) or "GET" (list).</param>
/// <param name="Phone">The To number without the channel prefix, when the request named one.</param>
/// <param name="ReceivedAt">When it arrived (system clock).</param>
/// <param name="Status">The HTTP status answered; 0 when it was never answered.</param>
public sealed record LoopbackRequest(string Method, string? Phone, DateTimeOffset ReceivedAt, int Status);
