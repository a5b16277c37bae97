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
    /// <summary>Whether the event is a Function URL (or API Gateway HTTP API) request.</summary>
    public static bool IsHttp(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("requestContext", out var context) && context.ValueKind == JsonValueKind.Object
        && context.TryGetProperty("http", out var http) && http.ValueKind == JsonValueKind.Object;

    /// <summary>
    /// Translates the event to Core's request. The public URL is <paramref name="publicUrl"/> when set, else
    /// <c>https://</c> + host header + <c>rawPath</c> (+ <c>?</c> + <c>rawQueryString</c>), which is what Twilio signs.
    /// </summary>
    /// <exception cref="FormatException">A base64 body does not decode.</exception>
    public static EndpointRequest ToEndpointRequest(JsonElement root, Uri? publicUrl)
    {
        var http = root.GetProperty("requestContext").GetProperty("http");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headerObject.EnumerateObject())
            {
                headers[header.Name] = header.Value.GetString() ?? string.Empty;
            }
        }

        var path = Text(root, "rawPath") ?? "/";
        var query = Text(root, "rawQueryString") ?? string.Empty;
        var body = Text(root, "body") ?? string.Empty;
        var bytes = root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True
            ? Convert.FromBase64String(body)
            : Encoding.UTF8.GetBytes(body);
        var url = publicUrl ?? new Uri($"https://{headers.GetValueOrDefault("host", "localhost")}{path}{(query.Length > 0 ? "?" + query : string.Empty)}");
        return new EndpointRequest(Text(http, "method") ?? "GET", path, headers, query, bytes, url, Text(http, "sourceIp"));
    }

    /// <summary>Writes Core's response in the Function URL response shape.</summary>
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

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
