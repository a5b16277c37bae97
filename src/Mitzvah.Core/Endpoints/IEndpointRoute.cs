namespace Mitzvah.Core.Endpoints;

/// <summary>One HTTP behaviour served by every host through <see cref="EndpointRouter"/>.</summary>
/// <remarks>
/// Register an implementation with <see cref="EndpointServiceCollectionExtensions.AddMitzvahRoute{TRoute}"/>; no host
/// changes when a route is added. Implementations are thread-safe singletons and answer every request, including
/// bad ones, with a response (never an exception for a client's mistake).
/// </remarks>
public interface IEndpointRoute
{
    /// <summary>The paths this route answers, e.g. <c>/api/consent</c> (compared case-insensitively, without a trailing slash).</summary>
    IReadOnlyList<string> Paths { get; }

    /// <summary>Answers one request.</summary>
    Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default);
}
