using System.Text.Json;

namespace Mitzvah.Core.Endpoints;

/// <summary>An HTTP response as Core returns it to every host.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">Content type of <paramref name="Body"/>.</param>
/// <param name="Body">The body text (UTF-8 on the wire).</param>
/// <param name="Headers">Extra headers (e.g. <c>Allow</c>), or empty.</param>
public sealed record EndpointResponse(int StatusCode, string ContentType, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>JSON content type.</summary>
    public const string Json = "application/json; charset=utf-8";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private static readonly Dictionary<string, string> NoHeaders = [];

    /// <summary>A JSON response.</summary>
    public static EndpointResponse JsonBody(int statusCode, object body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(statusCode, Json, JsonSerializer.Serialize(body, JsonOptions), headers ?? NoHeaders);

    /// <summary>A JSON error: <c>{"error": message}</c>.</summary>
    public static EndpointResponse Error(int statusCode, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        JsonBody(statusCode, new { error = message }, headers);

    /// <summary>A response with a body already rendered in <paramref name="contentType"/>.</summary>
    public static EndpointResponse Text(int statusCode, string contentType, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(statusCode, contentType, body, headers ?? NoHeaders);
}
