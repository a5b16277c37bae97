using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Azure;

/// <summary>
/// <c>/api/send</c>: the operators' manual trigger, served by Core's router like every route; it has a function of
/// its own so that the function key guards the route and <c>SEND_TOKEN</c> the action, and a leaked key alone sends nothing.
/// </summary>
public sealed class SendNowFunction
{
    private readonly EndpointRouter _router;

    /// <summary>Creates the function.</summary>
    public SendNowFunction(EndpointRouter router)
    {
        _router = router;
    }

    /// <summary>Handles one request.</summary>
    [Function("SendNow")]
    public Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "send")] HttpRequestData request,
        CancellationToken cancellationToken) =>
        HttpTranslation.ServeAsync(request, _router, cancellationToken);
}
