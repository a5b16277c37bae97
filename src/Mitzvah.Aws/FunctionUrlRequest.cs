using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Aws;

/// <summary>
/// The fields we read of a Lambda Function URL request (payload format 2.0). Hand-written because the
/// <c>Amazon.Lambda.*</c> event packages are not used.
/// </summary>
internal static class FunctionUrlRequest
{
    /// <summary>
    /// Whether the event claims to be an HTTP request (it has <c>requestContext</c>). Whether it is a well-formed one
    /// is for <see cref="ServeAsync"/> to say.
    /// </summary>
    public static bool IsHttp(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("requestContext", out _);

    /// <summary>
    /// Translates the event to Core's request, lets the router answer it, and writes the answer in the Function URL
    /// response shape. An event that cannot be read is answered 400, and no route is called.
    /// </summary>
    /// <param name="root">The event.</param>
    /// <param name="router">Core's router.</param>
    /// <param name="rootRoute">
    /// The route a POST to the URL's root (<c>/</c>) stands for: a function URL is itself the address operators
    /// configure (the webhook, the manual trigger), so a POST to its root is that function's main route, while a GET of
    /// the root is the opt-in page. The URL as seen, root included, is kept for signatures.
    /// </param>
    public static async Task<Stream> ServeAsync(JsonElement root, EndpointRouter router, string rootRoute)
    {
        var response = TryRead(root, rootRoute, out var request, out var error)
            ? await router.HandleAsync(request).ConfigureAwait(false)
            : EndpointResponse.Error(400, error);
        return ToResponse(response);
    }

    /// <summary>Writes <paramref name="response"/> in the Function URL response shape.</summary>
    public static Stream ToResponse(EndpointResponse response)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("statusCode", response.StatusCode);
            json.WriteStartObject("headers");
            json.WriteString("content-type", response.ContentType);
            foreach (var (name, value) in response.Headers)
            {
                json.WriteString(name.ToLowerInvariant(), value);
            }

            json.WriteEndObject();
            json.WriteString("body", response.Body);
            json.WriteBoolean("isBase64Encoded", false);
            json.WriteEndObject();
        }

        stream.Position = 0;
        return stream;
    }

    private static bool TryRead(JsonElement root, string rootRoute, [NotNullWhen(true)] out EndpointRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (!root.TryGetProperty("requestContext", out var context) || context.ValueKind != JsonValueKind.Object
            || !context.TryGetProperty("http", out var http) || http.ValueKind != JsonValueKind.Object
            || Text(http, "method") is not { Length: > 0 } method)
        {
            error = "The event is not a Function URL request: requestContext.http.method is missing.";
            return false;
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind != JsonValueKind.Null)
        {
            if (headerObject.ValueKind != JsonValueKind.Object)
            {
                error = "The event's headers must be an object of text values.";
                return false;
            }

            foreach (var header in headerObject.EnumerateObject())
            {
                if (header.Value.ValueKind != JsonValueKind.String)
                {
                    error = $"The event's header '{header.Name}' is not text.";
                    return false;
                }

                headers.Add(KeyValuePair.Create(header.Name, header.Value.GetString()!));
            }
        }

        if (root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            error = "The event's body must be a string (base64 when isBase64Encoded is true).";
            return false;
        }

        var body = Text(root, "body") ?? string.Empty;
        byte[] bytes;
        try
        {
            bytes = root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True
                ? Convert.FromBase64String(body)
                : Encoding.UTF8.GetBytes(body);
        }
        catch (FormatException)
        {
            error = "The request body is not valid base64.";
            return false;
        }

        var headerDictionary = EndpointRequest.HeaderDictionary(headers);
        var path = Text(root, "rawPath") ?? "/";
        var query = Text(root, "rawQueryString") ?? string.Empty;
        if (!Uri.TryCreate($"https://{headerDictionary.GetValueOrDefault("host", "localhost")}{path}{(query.Length > 0 ? "?" + query : string.Empty)}", UriKind.Absolute, out var url))
        {
            error = "The request's Host header and path do not form a URL.";
            return false;
        }

        request = new EndpointRequest
        {
            Method = method.ToUpperInvariant(),
            Path = path is not ("" or "/") ? path : method.ToUpperInvariant() is "GET" or "HEAD" ? RoutePaths.OptInPage : rootRoute,
            Headers = headerDictionary,
            QueryString = query,
            Body = bytes,
            Url = url,
            RemoteAddress = Text(http, "sourceIp"),
        };
        error = null;
        return true;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
