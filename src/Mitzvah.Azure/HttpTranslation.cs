using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Azure;

/// <summary>Turns the worker's HTTP model into Core's transport-neutral one, lets the router answer, and back.</summary>
internal static class HttpTranslation
{
    public static async Task<HttpResponseData> ServeAsync(HttpRequestData request, EndpointRouter router, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var endpointRequest = new EndpointRequest
        {
            Method = request.Method.ToUpperInvariant(),
            Path = request.Url.AbsolutePath,
            Headers = EndpointRequest.HeaderDictionary(request.Headers.Select(header => KeyValuePair.Create(header.Key, string.Join(", ", header.Value)))),
            QueryString = request.Url.Query.TrimStart('?'),
            Body = await EndpointRequest.ReadBodyAsync(request.Body, cancellationToken).ConfigureAwait(false),
            Url = request.Url,
        };
        var response = await router.HandleAsync(endpointRequest, cancellationToken).ConfigureAwait(false);

        var result = request.CreateResponse();
        result.StatusCode = (HttpStatusCode)response.StatusCode;
        result.Headers.TryAddWithoutValidation("Content-Type", response.ContentType);
        foreach (var (name, value) in response.Headers)
        {
            result.Headers.TryAddWithoutValidation(name, value);
        }

        if (!string.Equals(request.Method, "HEAD", StringComparison.OrdinalIgnoreCase))
        {
            await result.WriteStringAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
