namespace Mitzvah.Core.Endpoints;

/// <summary>The opt-in page (<see cref="RoutePaths.OptInPage"/>), shipped inside Core so every host serves the same page.</summary>
public sealed class OptInPageEndpoint : IEndpointRoute
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(OptInPageEndpoint).Assembly.GetManifestResourceStream("web.optin.html")
            ?? throw new InvalidOperationException("The opt-in page is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD" };

    // The page changes only with a release; five minutes keeps a redeploy visible soon after.
    private static readonly Dictionary<string, string> Cacheable = new() { ["Cache-Control"] = "public, max-age=300" };

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.OptInPage, "/optin.html"];

    /// <inheritdoc />
    public Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(request.Method is "GET" or "HEAD"
            ? EndpointResponse.Text(200, "text/html; charset=utf-8", Page.Value, Cacheable)
            : EndpointResponse.Error(405, $"{request.Method} is not supported here; use GET.", AllowHeader));
    }
}
