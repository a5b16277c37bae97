using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mitzvah.Aws;

/// <summary>
/// The Lambda Runtime API (version 2018-06-01) as an executable handler uses it: take the next event, post its
/// response or error, or post why the start-up failed.
/// </summary>
/// <remarks>
/// Hand-written because Amazon.Lambda.RuntimeSupport (and every other Amazon.Lambda.* package) is not available to
/// this build; the API is five HTTP calls on the local endpoint Lambda names in <c>AWS_LAMBDA_RUNTIME_API</c>.
/// Not thread-safe: one invocation at a time, as Lambda's default execution environment serves them.
/// </remarks>
internal sealed class LambdaRuntimeClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;

    /// <param name="address">The value of <c>AWS_LAMBDA_RUNTIME_API</c>: <c>host:port</c>.</param>
    public LambdaRuntimeClient(string address)
    {
        _http = new HttpClient
        {
            BaseAddress = new Uri($"http://{address}/2018-06-01/"),
            // `next` blocks until an event arrives, for as long as the environment lives (frozen in between).
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Waits for the next event (<c>GET /runtime/invocation/next</c>).</summary>
    /// <exception cref="HttpRequestException">The Runtime API did not answer 200 or is unreachable.</exception>
    /// <exception cref="InvalidDataException">The answer lacks the request id or a readable deadline.</exception>
    public async Task<LambdaInvocation> NextAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var requestId = Header(response.Headers, RequestIdHeader)
            ?? throw new InvalidDataException($"The Runtime API sent an event without {RequestIdHeader}.");
        if (!long.TryParse(Header(response.Headers, DeadlineHeader), NumberStyles.None, CultureInfo.InvariantCulture, out var deadline))
        {
            throw new InvalidDataException($"The Runtime API sent event {requestId} without a readable {DeadlineHeader}.");
        }

        return new LambdaInvocation
        {
            Payload = payload,
            Context = new InvocationContext
            {
                RequestId = requestId,
                Deadline = DateTimeOffset.FromUnixTimeMilliseconds(deadline),
                InvokedFunctionArn = Header(response.Headers, FunctionArnHeader) ?? string.Empty,
                TraceId = Header(response.Headers, TraceIdHeader),
            },
        };
    }

    /// <summary>Posts the invocation's result (<c>POST /runtime/invocation/{id}/response</c>).</summary>
    public async Task RespondAsync(string requestId, Stream result, CancellationToken cancellationToken = default)
    {
        using var content = new StreamContent(result);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, errorType: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports that the invocation failed (<c>POST /runtime/invocation/{id}/error</c>).</summary>
    public Task ReportInvocationErrorAsync(string requestId, Exception exception, CancellationToken cancellationToken = default) =>
        PostErrorAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", exception, cancellationToken);

    /// <summary>Reports that the start-up failed (<c>POST /runtime/init/error</c>); the process must exit after it.</summary>
    public Task ReportInitErrorAsync(Exception exception, CancellationToken cancellationToken = default) =>
        PostErrorAsync("runtime/init/error", exception, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task PostErrorAsync(string path, Exception exception, CancellationToken cancellationToken)
    {
        // Lambda shows this document to the caller (and in the console) as the function error.
        var errorType = exception.GetType().Name;
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["errorMessage"] = exception.Message,
            ["errorType"] = errorType,
            ["stackTrace"] = (exception.StackTrace ?? string.Empty)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        });
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await PostAsync(path, content, errorType, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostAsync(string path, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
