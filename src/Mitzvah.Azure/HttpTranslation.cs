using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Azure;

/// <summary>Turns the worker's HTTP model into Core's transport-neutral one and back; nothing more.</summary>
internal static class HttpTranslation
{
    /// <summary>Reads <paramref name="request"/>; <paramref name="publicUrl"/> overrides the URL used for signatures.</summary>
    public static async Task<EndpointRequest> ToEndpointRequestAsync(HttpRequestData request, Uri? publicUrl, CancellationToken cancellationToken)
    {
        var headers = EndpointRequest.HeaderDictionary(
            request.Headers.Select(header => KeyValuePair.Create(header.Key, string.Join(", ", header.Value))));
        var body = await EndpointRequest.ReadBodyAsync(request.Body, cancellationToken).ConfigureAwait(false);
        return new EndpointRequest(
            request.Method.ToUpperInvariant(),
            request.Url.AbsolutePath,
            headers,
            request.Url.Query.TrimStart('?'),
            body,
            publicUrl ?? request.Url,
            // The worker never sees the socket; App Service's front end puts the client first in X-Forwarded-For.
            headers.TryGetValue("X-Forwarded-For", out var forwarded) ? forwarded.Split(',')[0].Trim() : null);
    }

    /// <summary>Writes <paramref name="response"/> as the function's result (no body for HEAD).</summary>
    public static async Task<HttpResponseData> ToHttpResponseAsync(HttpRequestData request, EndpointResponse response, CancellationToken cancellationToken)
    {
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
