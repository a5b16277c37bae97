using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Endpoints;

/// <summary>
/// The one entry point of every host's HTTP traffic: picks the route for a request's path and decides the public URL
/// the request was made to. Hosts translate their transport into an <see cref="EndpointRequest"/> and back, nothing more.
/// </summary>
/// <remarks>
/// Unknown paths are answered 404 with a sentence naming the known ones. Thread-safe.
/// </remarks>
public sealed class EndpointRouter
{
    private readonly Dictionary<string, IEndpointRoute> _routes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Uri? _publicConsentUrl;

    /// <summary>Creates the router over every registered route.</summary>
    /// <exception cref="InvalidOperationException">Two routes claim one path.</exception>
    public EndpointRouter(IEnumerable<IEndpointRoute> routes, IOptions<ConsentOptions> consent)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(consent);
        foreach (var route in routes)
        {
            foreach (var path in route.Paths)
            {
                if (!_routes.TryAdd(Normalize(path), route))
                {
                    throw new InvalidOperationException($"Two routes claim {path}: {_routes[Normalize(path)].GetType().Name} and {route.GetType().Name}.");
                }
            }
        }

        _publicConsentUrl = consent.Value.PublicConsentUrl;
    }

    /// <summary>The paths served, sorted.</summary>
    public IReadOnlyList<string> Paths => [.. _routes.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Answers one request through the route its path names.</summary>
    public Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_routes.TryGetValue(Normalize(request.Path), out var route))
        {
            return Task.FromResult(EndpointResponse.Error(404, $"Nothing is served at {request.Path}; try {string.Join(", ", Paths)}."));
        }

        return route.HandleAsync(request with { PublicUrl = PublicUrl(request) }, cancellationToken);
    }

    /// <summary>
    /// The URL the outside world called. Providers sign the URL they were given, and proxies, custom domains and
    /// function URLs change what a host sees, so with <c>PUBLIC_CONSENT_URL</c> set the consent path is exactly that
    /// URL and every other path is served from its origin; without it, the URL the host saw.
    /// </summary>
    private Uri PublicUrl(EndpointRequest request)
    {
        if (_publicConsentUrl is null)
        {
            return request.Url;
        }

        if (string.Equals(Normalize(request.Path), Normalize(RoutePaths.Consent), StringComparison.OrdinalIgnoreCase))
        {
            return _publicConsentUrl;
        }

        var query = request.QueryString.Length > 0 ? "?" + request.QueryString : string.Empty;
        return new Uri(_publicConsentUrl, request.Path + query);
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
