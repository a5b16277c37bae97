using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Mitzvah.Testing.Lambda;

/// <summary>
/// A stand-in for a Lambda Function URL (auth type <c>NONE</c>) in front of a <see cref="LambdaRuntimeApi"/>: a Kestrel
/// server on 127.0.0.1 and a free port that turns each HTTP request into the event Function URLs deliver (payload
/// format 2.0), invokes the function through the Runtime API stand-in and writes the function's answer back as
/// Function URLs do. Written from AWS's description of function URL payloads.
/// </summary>
/// <remarks>
/// Requests queue on the Runtime API stand-in and the function process takes them one at a time, as one execution
/// environment does (Lambda would start more environments under load; one keeps the order obvious). Thread-safe.
/// </remarks>
public sealed class FunctionUrlFrontEnd : IAsyncDisposable
{
    /// <summary>The URL id the events name as <c>requestContext.apiId</c>.</summary>
    public const string UrlId = "abcdefghijklmnopqrstuvwxyz012345";

    /// <summary>
    /// What a client sees when the function fails (or its answer cannot be read): Function URLs answer 502 with this
    /// body; the error itself stays in the function's log.
    /// </summary>
    public const string FunctionErrorBody = "Internal Server Error";

    // Response headers the server sets itself from the body it writes.
    private static readonly HashSet<string> FramingHeaders = new(StringComparer.OrdinalIgnoreCase) { "content-length", "transfer-encoding", "connection" };

    private readonly WebApplication _app;
    private readonly LambdaRuntimeApi _runtimeApi;
    private readonly TimeSpan _functionTimeout;
    private readonly ConcurrentQueue<string> _events = new();

    private FunctionUrlFrontEnd(WebApplication app, LambdaRuntimeApi runtimeApi, TimeSpan functionTimeout)
    {
        _app = app;
        _runtimeApi = runtimeApi;
        _functionTimeout = functionTimeout;
    }

    /// <summary>The front end's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The events delivered to the function so far, in order.</summary>
    public IReadOnlyCollection<string> Events => _events;

    /// <summary>Starts a front end for the function served by <paramref name="runtimeApi"/> and returns once it listens.</summary>
    /// <param name="runtimeApi">The Runtime API stand-in the function polls.</param>
    /// <param name="functionTimeout">The function's configured timeout: each invocation's deadline.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FunctionUrlFrontEnd> StartAsync(LambdaRuntimeApi runtimeApi, TimeSpan functionTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runtimeApi);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(FunctionUrlFrontEnd) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var frontEnd = new FunctionUrlFrontEnd(app, runtimeApi, functionTimeout);
        app.Run(frontEnd.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        frontEnd.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
        return frontEnd;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var payload = await ToEventAsync(context, requestId).ConfigureAwait(false);
        _events.Enqueue(payload);
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        RuntimeApiPost answer;
        try
        {
            answer = await _runtimeApi.InvokeAsync(payload, _functionTimeout, requestId: requestId).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await WriteFunctionErrorAsync(context.Response).ConfigureAwait(false);
            return;
        }

        if (answer.IsError || !TryRead(answer.Body, out var response))
        {
            await WriteFunctionErrorAsync(context.Response).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            if (!FramingHeaders.Contains(name))
            {
                context.Response.Headers.Append(name, value);
            }
        }

        foreach (var cookie in response.Cookies)
        {
            context.Response.Headers.Append("Set-Cookie", cookie);
        }

        if (!HttpMethods.IsHead(context.Request.Method) && response.Body.Length > 0)
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task WriteFunctionErrorAsync(HttpResponse response)
    {
        response.StatusCode = 502;
        response.ContentType = "application/json";
        await response.WriteAsync(FunctionErrorBody).ConfigureAwait(false);
    }

    /// <summary>The request as a Function URL event (payload format 2.0).</summary>
    private static async Task<string> ToEventAsync(HttpContext context, string requestId)
    {
        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();

        // Repeated headers arrive comma-joined under the lower-cased name; cookies move to their own list.
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var cookies = new List<string>();
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "cookie")
            {
                cookies.AddRange(values.SelectMany(value => (value ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
                continue;
            }

            headers[lower] = string.Join(',', values.Select(value => value ?? string.Empty));
        }

        var sourceIp = context.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "127.0.0.1";
        headers["x-forwarded-for"] = headers.TryGetValue("x-forwarded-for", out var forwarded) ? $"{forwarded}, {sourceIp}" : sourceIp;
        headers["x-forwarded-proto"] = request.Scheme;
        headers["x-forwarded-port"] = context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture);
        headers["x-amzn-trace-id"] = $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]}";

        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var rawPath = rawTarget.Split('?', 2)[0];
        var now = DateTimeOffset.UtcNow;
        var host = request.Host.Host;

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("version", "2.0");
            json.WriteString("routeKey", "$default");
            json.WriteString("rawPath", rawPath);
            json.WriteString("rawQueryString", request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty);
            if (cookies.Count > 0)
            {
                json.WriteStartArray("cookies");
                cookies.ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }

            json.WriteStartObject("headers");
            foreach (var (name, value) in headers)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            if (request.Query.Count > 0)
            {
                json.WriteStartObject("queryStringParameters");
                foreach (var (name, values) in request.Query)
                {
                    json.WriteString(name, string.Join(',', values.Select(value => value ?? string.Empty)));
                }

                json.WriteEndObject();
            }

            json.WriteStartObject("requestContext");
            json.WriteString("accountId", "anonymous");
            json.WriteString("apiId", UrlId);
            json.WriteString("domainName", host);
            json.WriteString("domainPrefix", host.Split('.')[0]);
            json.WriteStartObject("http");
            json.WriteString("method", request.Method);
            json.WriteString("path", rawPath);
            json.WriteString("protocol", request.Protocol);
            json.WriteString("sourceIp", sourceIp);
            json.WriteString("userAgent", headers.GetValueOrDefault("user-agent", string.Empty));
            json.WriteEndObject();
            json.WriteString("requestId", requestId);
            json.WriteString("routeKey", "$default");
            json.WriteString("stage", "$default");
            json.WriteString("time", now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture));
            json.WriteNumber("timeEpoch", now.ToUnixTimeMilliseconds());
            json.WriteEndObject();

            // Text arrives as it is, anything else (form posts included) base64-encoded; no body, no field.
            var isText = IsText(request.ContentType);
            if (body.Length > 0)
            {
                json.WriteString("body", isText ? Encoding.UTF8.GetString(body) : Convert.ToBase64String(body));
            }

            json.WriteBoolean("isBase64Encoded", body.Length > 0 && !isText);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static bool IsText(string? contentType)
    {
        var mediaType = (contentType ?? string.Empty).Split(';', 2)[0].Trim().ToLowerInvariant();
        return mediaType.StartsWith("text/", StringComparison.Ordinal)
            || mediaType is "application/json" or "application/javascript" or "application/xml"
            || mediaType.EndsWith("+json", StringComparison.Ordinal) || mediaType.EndsWith("+xml", StringComparison.Ordinal);
    }

    /// <summary>
    /// Reads the function's answer as Function URLs do: an object with <c>statusCode</c> is the structured response
    /// (<c>headers</c>, <c>cookies</c>, <c>body</c>, <c>isBase64Encoded</c>); any other JSON is the body of a 200
    /// <c>application/json</c> response. Format 2.0 has no <c>multiValueHeaders</c>: a function that sends them has
    /// them ignored, here as on AWS. An answer that is not JSON, or a malformed structured one, is a function error.
    /// </summary>
    private static bool TryRead(string answer, out FunctionUrlResponse response)
    {
        response = new FunctionUrlResponse { StatusCode = 200, Headers = [], Cookies = [], Body = [] };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var status))
            {
                response = response with { Headers = [KeyValuePair.Create("content-type", "application/json")], Body = Encoding.UTF8.GetBytes(answer) };
                return true;
            }

            if (status.ValueKind != JsonValueKind.Number || !status.TryGetInt32(out var statusCode) || statusCode is < 100 or > 599)
            {
                return false;
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("headers", out var headerObject) && headerObject.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headerObject.EnumerateObject())
                {
                    headers.Add(KeyValuePair.Create(header.Name, header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText()));
                }
            }

            var cookies = root.TryGetProperty("cookies", out var cookieArray) && cookieArray.ValueKind == JsonValueKind.Array
                ? cookieArray.EnumerateArray().Where(cookie => cookie.ValueKind == JsonValueKind.String).Select(cookie => cookie.GetString()!).ToList()
                : [];
            var text = root.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind == JsonValueKind.String ? bodyElement.GetString()! : string.Empty;
            byte[] body;
            try
            {
                body = root.TryGetProperty("isBase64Encoded", out var encoded) && encoded.ValueKind == JsonValueKind.True
                    ? Convert.FromBase64String(text)
                    : Encoding.UTF8.GetBytes(text);
            }
            catch (FormatException)
            {
                return false;
            }

            response = new FunctionUrlResponse { StatusCode = statusCode, Headers = headers, Cookies = cookies, Body = body };
            return true;
        }
    }

    private sealed record FunctionUrlResponse
    {
        public required int StatusCode { get; init; }

        public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }

        public required IReadOnlyList<string> Cookies { get; init; }

        public required byte[] Body { get; init; }
    }
}
