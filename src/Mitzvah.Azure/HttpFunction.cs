using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Azure;

/// <summary>
/// Every HTTP route of Core (<c>/api/consent</c>, <c>/api/health</c>, and whatever Core adds) through one catch-all
/// function; only the manual trigger has a function of its own, for its function key.
/// </summary>
public sealed class HttpFunction
{
    private readonly EndpointRouter _router;

    /// <summary>Creates the function.</summary>
    public HttpFunction(EndpointRouter router)
    {
        _router = router;
    }

    /// <summary>Handles one request.</summary>
    [Function("Http")]
    public Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequestData request,
        CancellationToken cancellationToken) =>
        HttpTranslation.ServeAsync(request, _router, cancellationToken);
}
