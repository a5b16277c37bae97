using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mitzvah.Azure.Tests.Ingestion;

/// <summary>
/// A stand-in for the Application Insights ingestion endpoint (Breeze) on 127.0.0.1 and a free port: the track
/// endpoint the Azure Monitor exporter posts to (<c>/v2.1/track</c>, also the older <c>/v2/track</c>), newline-delimited
/// JSON envelopes, gzip'd or not, answered as the service answers (<c>200</c>,
/// <c>{"itemsReceived":n,"itemsAccepted":n,"errors":[]}</c>); and the live-metrics endpoints
/// (<c>/QuickPulseService.svc/ping|post</c>), answered "not subscribed", should the exporter call them. Every other
/// request is recorded and answered 404, so a test can see that nothing else was called.
/// </summary>
internal sealed class IngestionStandIn : IAsyncDisposable
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(90);

    private readonly ConcurrentQueue<IngestedMetric> _metrics = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly WebApplication _server;
    private int _batches;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IngestionStandIn(WebApplication server)
    {
        _server = server;
    }

    /// <summary>The instrumentation key of <see cref="ConnectionString"/>.</summary>
    public string InstrumentationKey { get; } = Guid.NewGuid().ToString();

    /// <summary>An Application Insights connection string whose ingestion endpoint is this stand-in.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Every metric point received, in order.</summary>
    public IReadOnlyCollection<IngestedMetric> Metrics => _metrics;

    /// <summary>Every request received, as <c>METHOD /path</c>.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public static async Task<IngestionStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        var standIn = new IngestionStandIn(server);
        server.Run(standIn.ServeAsync);
        await server.StartAsync();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.ConnectionString = $"InstrumentationKey={standIn.InstrumentationKey};IngestionEndpoint={address.TrimEnd('/')}/";
        return standIn;
    }

    /// <summary>Waits until the points received satisfy <paramref name="done"/>; returns them.</summary>
    public async Task<IReadOnlyList<IngestedMetric>> WaitForMetricsAsync(Func<IReadOnlyList<IngestedMetric>, bool> done, string what)
    {
        using var timeout = new CancellationTokenSource(WaitTimeout);
        while (true)
        {
            var arrived = Volatile.Read(ref _arrived);
            var metrics = _metrics.ToList();
            if (done(metrics))
            {
                return metrics;
            }

            try
            {
                await arrived.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Ingestion did not receive {what} within {WaitTimeout}. Requests: {string.Join(", ", _requests)}; metrics: {string.Join(", ", metrics.Select(m => $"{m.Name}={m.Value}"))}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}");
        if (HttpMethods.IsPost(request.Method) && request.Path.Value is "/v2.1/track" or "/v2/track")
        {
            var envelopes = await ReadEnvelopesAsync(request);
            var batch = Interlocked.Increment(ref _batches) - 1;
            foreach (var envelope in envelopes)
            {
                foreach (var metric in MetricsOf(envelope, batch))
                {
                    _metrics.Enqueue(metric);
                }
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsJsonAsync(new { itemsReceived = envelopes.Count, itemsAccepted = envelopes.Count, errors = Array.Empty<object>() });
            Interlocked.Exchange(ref _arrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            return;
        }

        if (HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/QuickPulseService.svc", StringComparison.OrdinalIgnoreCase))
        {
            // The service's way of saying that nobody is watching the live-metrics stream.
            context.Response.Headers["x-ms-qps-subscribed"] = "false";
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
    }

    private static async Task<List<JsonElement>> ReadEnvelopesAsync(HttpRequest request)
    {
        Stream body = request.Body;
        if (request.Headers.ContentEncoding.Any(encoding => string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase)))
        {
            body = new GZipStream(request.Body, CompressionMode.Decompress);
        }

        using var reader = new StreamReader(body);
        var text = await reader.ReadToEndAsync();
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('['))
        {
            using var array = JsonDocument.Parse(trimmed);
            return [.. array.RootElement.EnumerateArray().Select(element => element.Clone())];
        }

        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        })];
    }

    private static IEnumerable<IngestedMetric> MetricsOf(JsonElement envelope, int batch)
    {
        if (!envelope.TryGetProperty("data", out var data)
            || data.GetProperty("baseType").GetString() != "MetricData")
        {
            yield break;
        }

        var baseData = data.GetProperty("baseData");
        var properties = baseData.TryGetProperty("properties", out var found)
            ? found.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.ToString(), StringComparer.Ordinal)
            : [];
        foreach (var point in baseData.GetProperty("metrics").EnumerateArray())
        {
            yield return new IngestedMetric
            {
                Batch = batch,
                Name = point.GetProperty("name").GetString()!,
                Value = point.GetProperty("value").GetDouble(),
                Count = point.TryGetProperty("count", out var count) ? count.GetInt32() : 1,
                InstrumentationKey = envelope.TryGetProperty("iKey", out var key) ? key.GetString() ?? "" : "",
                Properties = properties,
            };
        }
    }
}
