using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Mitzvah.Core.Sending;

namespace Mitzvah.Azure;

/// <summary>
/// <c>/api/send</c>: the operators' manual trigger. The function key guards the route and <c>SEND_TOKEN</c> the action,
/// so a leaked key alone sends nothing.
/// </summary>
public sealed class SendNowFunction
{
    private readonly SendEndpoint _endpoint;

    /// <summary>Creates the function.</summary>
    public SendNowFunction(SendEndpoint endpoint)
    {
        _endpoint = endpoint;
    }

    /// <summary>Handles one request.</summary>
    [Function("SendNow")]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "send")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpointRequest = await HttpTranslation.ToEndpointRequestAsync(request, publicUrl: null, cancellationToken).ConfigureAwait(false);
        var response = await _endpoint.HandleAsync(endpointRequest, cancellationToken).ConfigureAwait(false);
        return await HttpTranslation.ToHttpResponseAsync(request, response, cancellationToken).ConfigureAwait(false);
    }
}
