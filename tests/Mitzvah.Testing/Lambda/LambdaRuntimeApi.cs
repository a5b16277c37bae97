using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mitzvah.Testing.Lambda;

/// <summary>
/// A stand-in for the Lambda Runtime API (version 2018-06-01) on 127.0.0.1 and a free port, written from AWS's
/// description of it: events queued by the test are handed out by <c>GET /runtime/invocation/next</c> (which blocks
/// until there is one) with the invocation headers; <c>POST …/{id}/response</c>, <c>POST …/{id}/error</c> and
/// <c>POST /runtime/init/error</c> are captured and answered 202, as Lambda does.
/// </summary>
/// <remarks>
/// Serves one function process. Thread-safe. A post for an unknown request id is answered 400 and fails the
/// invocation's waiter, so a runtime that mixes ids up is caught.
/// </remarks>
public sealed class LambdaRuntimeApi : IAsyncDisposable
{
    /// <summary>The ARN the stand-in's invocations claim to be for.</summary>
    public const string FunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:mitzvah-test:live";

    private const string Prefix = "/2018-06-01/runtime/";

    private readonly WebApplication _app;
    private readonly Channel<Pending> _events = Channel.CreateUnbounded<Pending>();
    private readonly ConcurrentDictionary<string, Pending> _inFlight = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<RuntimeApiPost> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _firstPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _protocolErrors = new();
    private int _polls;

    private LambdaRuntimeApi(WebApplication app) => _app = app;

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:port</c>.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>How many times <c>next</c> was called.</summary>
    public int Polls => Volatile.Read(ref _polls);

    /// <summary>Requests that broke the protocol (unknown path, unknown request id), for failure messages.</summary>
    public IReadOnlyCollection<string> ProtocolErrors => _protocolErrors;

    /// <summary>Completes with the init error the function posted.</summary>
    public Task<RuntimeApiPost> InitError => _initError.Task;

    /// <summary>Completes with the <see cref="Stopwatch.GetTimestamp"/> of the first <c>next</c> call (the end of the cold start).</summary>
    public Task<long> FirstPoll => _firstPoll.Task;

    /// <summary>Starts a stand-in and returns once it listens.</summary>
    public static async Task<LambdaRuntimeApi> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(LambdaRuntimeApi) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var api = new LambdaRuntimeApi(app);
        app.Run(api.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        api.Address = $"{address.Host}:{address.Port}";
        return api;
    }

    /// <summary>
    /// Queues an event and waits for the function's answer to it. The event's deadline is
    /// <paramref name="functionTimeout"/> from now (default 15 min, the daily function's timeout); <paramref name="wait"/>
    /// (default 60 s) bounds the test. <paramref name="requestId"/> (default a fresh one) lets a caller that already
    /// named the request, as a Function URL does in its event, keep the same id.
    /// </summary>
    public async Task<RuntimeApiPost> InvokeAsync(string payload, TimeSpan? functionTimeout = null, TimeSpan? wait = null, string? requestId = null)
    {
        var pending = new Pending
        {
            RequestId = requestId ?? Guid.NewGuid().ToString(),
            Payload = payload,
            Deadline = DateTimeOffset.UtcNow + (functionTimeout ?? TimeSpan.FromMinutes(15)),
            TraceId = $"Root=1-{DateTimeOffset.UtcNow.ToUnixTimeSeconds():x8}-{Guid.NewGuid().ToString("N")[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0",
        };
        _inFlight[pending.RequestId] = pending;
        await _events.Writer.WriteAsync(pending).ConfigureAwait(false);
        return await pending.Answer.Task.WaitAsync(wait ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var method = context.Request.Method;
        if (method == HttpMethods.Get && path == Prefix + "invocation/next")
        {
            await NextAsync(context).ConfigureAwait(false);
            return;
        }

        if (method != HttpMethods.Post || !path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await RefuseAsync(context, 404, $"{method} {path} is not a Runtime API call.").ConfigureAwait(false);
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        var errorType = context.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault();
        var rest = path[Prefix.Length..];
        if (rest == "init/error")
        {
            _initError.TrySetResult(new RuntimeApiPost { Kind = "init/error", RequestId = string.Empty, Body = body, ErrorTypeHeader = errorType });
            context.Response.StatusCode = 202;
            return;
        }

        var parts = rest.Split('/');
        if (parts is not ["invocation", var requestId, "response" or "error"])
        {
            await RefuseAsync(context, 404, $"POST {path} is not a Runtime API call.").ConfigureAwait(false);
            return;
        }

        if (!_inFlight.TryRemove(Uri.UnescapeDataString(requestId), out var pending))
        {
            await RefuseAsync(context, 400, $"POST {path}: no invocation {requestId} is in flight.").ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 202;
        pending.Answer.TrySetResult(new RuntimeApiPost { Kind = parts[2], RequestId = pending.RequestId, Body = body, ErrorTypeHeader = errorType });
    }

    private async Task NextAsync(HttpContext context)
    {
        if (Interlocked.Increment(ref _polls) == 1)
        {
            _firstPoll.TrySetResult(Stopwatch.GetTimestamp());
        }

        Pending pending;
        try
        {
            pending = await _events.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = pending.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = pending.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = FunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = pending.TraceId;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(pending.Payload, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RefuseAsync(HttpContext context, int status, string message)
    {
        _protocolErrors.Enqueue(message);
        context.Response.StatusCode = status;
        await context.Response.WriteAsync($$"""{"errorMessage":"{{message}}","errorType":"InvalidRequest"}""").ConfigureAwait(false);
    }

    private sealed class Pending
    {
        public required string RequestId { get; init; }

        public required string Payload { get; init; }

        public required DateTimeOffset Deadline { get; init; }

        public required string TraceId { get; init; }

        public TaskCompletionSource<RuntimeApiPost> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
