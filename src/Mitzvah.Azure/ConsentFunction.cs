using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Azure;

/// <summary><c>/api/consent</c>: Twilio's WhatsApp webhook, the web opt-in form and a health GET, served by Core.</summary>
public sealed class ConsentFunction
{
    private readonly ConsentEndpoint _endpoint;
    private readonly ConsentOptions _options;

    /// <summary>Creates the function.</summary>
    public ConsentFunction(ConsentEndpoint endpoint, IOptions<ConsentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = endpoint;
        _options = options.Value;
    }

    /// <summary>Handles one request.</summary>
    [Function("Consent")]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", "post", Route = "consent")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Twilio signs the URL it was given; behind Front Door or a custom domain that differs from what the worker sees.
        var endpointRequest = await HttpTranslation.ToEndpointRequestAsync(request, _options.PublicConsentUrl, cancellationToken).ConfigureAwait(false);
        var response = await _endpoint.HandleAsync(endpointRequest, cancellationToken).ConfigureAwait(false);
        return await HttpTranslation.ToHttpResponseAsync(request, response, cancellationToken).ConfigureAwait(false);
    }
}
