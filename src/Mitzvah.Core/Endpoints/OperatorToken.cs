namespace Mitzvah.Core.Endpoints;

/// <summary>The operators' token (<c>SEND_TOKEN</c>) that guards the send and report routes.</summary>
internal static class OperatorToken
{
    /// <summary>The answer to a request without the right token.</summary>
    public static EndpointResponse Refusal { get; } = EndpointResponse.Error(
        401, "A valid send token is required (Authorization: Bearer <SEND_TOKEN>).", new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });

    /// <summary>
    /// Whether <paramref name="request"/> carries <paramref name="token"/> in <c>Authorization: Bearer …</c> or
    /// <c>X-Send-Token</c>, compared in constant time.
    /// </summary>
    public static bool Matches(EndpointRequest request, string token) => SecretComparer.Matches(Supplied(request), token);

    private static string? Supplied(EndpointRequest request)
    {
        var authorization = request.Header("Authorization");
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Header("X-Send-Token");
    }
}
