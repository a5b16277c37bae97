using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>
/// A small stand-in for the Azure Functions host: a gRPC server on 127.0.0.1 and a free port serving
/// <c>FunctionRpc.EventStream</c>, which starts the published worker as the host does (the command line from
/// <c>worker.config.json</c>, the app settings as environment variables), runs the handshake (StartStream,
/// WorkerInitRequest, FunctionsMetadataRequest, one FunctionLoadRequest per function) and then invokes functions.
/// </summary>
internal sealed class FunctionsHostEmulator : IAsyncDisposable
{
    /// <summary>The function key the emulated host accepts for <c>Function</c>-level HTTP triggers.</summary>
    public const string FunctionKey = "emulated-function-key";

    /// <summary>The base URL the emulated host reports to the worker for every HTTP request, as <c>func start</c> does.</summary>
    public static readonly Uri PublicBaseUrl = new("http://localhost:7071/");

    private const string HostVersion = "4.1000.0";
    private const string RoutePrefix = "api/";
    private const int MaxMessageLength = int.MaxValue;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    private readonly TaskCompletionSource<string> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new();
    private readonly ConcurrentQueue<RpcLog> _logs = new();
    private readonly StringBuilder _output = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, RpcFunctionMetadata> _functions = new(StringComparer.Ordinal);
    private TaskCompletionSource _logArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IServerStreamWriter<StreamingMessage>? _writer;
    private Process? _worker;
    private WebApplication? _server;

    private FunctionsHostEmulator()
    {
    }

    /// <summary>Time from starting the worker process to its <c>WorkerInitResponse</c>.</summary>
    public TimeSpan InitDuration { get; private set; }

    /// <summary>The capabilities the worker declared in its <c>WorkerInitResponse</c>.</summary>
    public IReadOnlyDictionary<string, string> Capabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The functions the worker reported (worker indexing) and loaded, by name.</summary>
    public IReadOnlyDictionary<string, RpcFunctionMetadata> Functions => _functions;

    /// <summary>The worker id the emulator passed on the command line and the worker named in StartStream.</summary>
    public string WorkerId { get; } = Guid.NewGuid().ToString();

    /// <summary>Every log the worker sent over the stream.</summary>
    public IReadOnlyCollection<RpcLog> Logs => _logs;

    /// <summary>What the worker process printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server and the worker, and returns once every reported function is loaded.</summary>
    public static async Task<FunctionsHostEmulator> StartAsync(PublishedWorkerFixture published, IReadOnlyDictionary<string, string?> appSettings)
    {
        var emulator = new FunctionsHostEmulator();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageLength;
            grpc.MaxSendMessageSize = MaxMessageLength;
        });
        builder.Services.AddSingleton(new FunctionRpcEndpoint(emulator));
        var server = builder.Build();
        emulator._server = server;
        try
        {
            server.MapGrpcService<FunctionRpcEndpoint>();
            await server.StartAsync();
            await emulator.StartWorkerAsync(published, appSettings);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves an HTTP request as the host would: matches a function's route, checks its key, invokes it.</summary>
    public async Task<EmulatedHttpResponse> SendAsync(EmulatedHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var url = new Uri(PublicBaseUrl, request.PathAndQuery);
        var path = url.AbsolutePath.TrimStart('/');
        if (!path.StartsWith(RoutePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Plain(404, "No function serves this path.");
        }

        var match = Match(path[RoutePrefix.Length..], request.Method);
        if (match is null)
        {
            return Plain(404, "No function serves this path.");
        }

        var (function, trigger, routeValues) = match.Value;
        if (string.Equals(trigger["authLevel"]?.GetValue<string>(), "Function", StringComparison.OrdinalIgnoreCase) && !HasFunctionKey(request, url))
        {
            return Plain(401, "The function key is missing or wrong.");
        }

        var http = RpcHttpShaping.Request(request, url, routeValues, Capabilities);
        var invocation = new InvocationRequest
        {
            FunctionId = function.FunctionId,
            InputData = { new ParameterBinding { Name = trigger["name"]!.GetValue<string>(), Data = new TypedData { Http = http } } },
        };
        foreach (var (name, value) in RpcHttpShaping.TriggerMetadata(http, routeValues, Capabilities))
        {
            invocation.TriggerMetadata.Add(name, value);
        }

        var response = await InvokeAsync(invocation);
        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            return Plain(500, response.Result.Exception?.Message ?? response.Result.Result);
        }

        var returned = response.ReturnValue?.Http
            ?? response.OutputData.FirstOrDefault(binding => binding.Name == "$return")?.Data?.Http
            ?? throw new InvalidOperationException($"{function.Name} returned no HTTP response.");
        return RpcHttpShaping.Response(returned);
    }

    /// <summary>Fires a timer function as the host does: a <c>TimerInfo</c> JSON input and the <c>sys</c> metadata.</summary>
    /// <returns>The invocation id, to find the invocation's logs.</returns>
    public async Task<string> FireTimerAsync(string functionName, bool isPastDue)
    {
        var function = _functions[functionName];
        var trigger = Bindings(function).Single(binding => binding["type"]?.GetValue<string>() == "timerTrigger");
        var now = DateTimeOffset.UtcNow;
        var timerInfo = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = now.AddDays(-1).ToString("O", CultureInfo.InvariantCulture),
                ["Next"] = now.AddDays(1).ToString("O", CultureInfo.InvariantCulture),
                ["LastUpdated"] = now.AddDays(-1).ToString("O", CultureInfo.InvariantCulture),
            },
            ["IsPastDue"] = isPastDue,
        };
        var sys = new JsonObject
        {
            ["MethodName"] = functionName,
            ["UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["RandGuid"] = Guid.NewGuid().ToString(),
        };
        var invocation = new InvocationRequest
        {
            FunctionId = function.FunctionId,
            InputData = { new ParameterBinding { Name = trigger["name"]!.GetValue<string>(), Data = new TypedData { Json = timerInfo.ToJsonString() } } },
            TriggerMetadata = { ["sys"] = new TypedData { Json = sys.ToJsonString() } },
        };
        var response = await InvokeAsync(invocation);
        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{functionName} failed: {response.Result.Exception?.Message}\n{Output}");
        }

        return invocation.InvocationId;
    }

    /// <summary>Waits for a log line of one invocation that starts with <paramref name="prefix"/>.</summary>
    public async Task<RpcLog> WaitForLogAsync(string invocationId, string prefix)
    {
        using var timeout = new CancellationTokenSource(StepTimeout);
        while (true)
        {
            var arrived = Volatile.Read(ref _logArrived);
            var log = _logs.FirstOrDefault(entry => entry.InvocationId == invocationId && entry.Message.StartsWith(prefix, StringComparison.Ordinal));
            if (log is not null)
            {
                return log;
            }

            try
            {
                await arrived.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No log starting with '{prefix}' for invocation {invocationId}.\n{Output}");
            }
        }
    }

    /// <summary>Runs the worker's side of the stream; called by <see cref="FunctionRpcEndpoint"/>.</summary>
    public async Task ServeAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        if (!await requests.MoveNext(linked.Token) || requests.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            _started.TrySetException(new InvalidOperationException("The worker's first message was not StartStream."));
            return;
        }

        _writer = responses;
        _started.TrySetResult(requests.Current.StartStream.WorkerId);
        try
        {
            while (await requests.MoveNext(linked.Token))
            {
                Dispatch(requests.Current);
            }
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The emulator is stopping or the worker went away.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            if (!_worker.HasExited && _writer is not null && RpcHttpShaping.Declared(Capabilities, "HandlesWorkerTerminateMessage"))
            {
                try
                {
                    await WriteAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
                    await _worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
                {
                    // Killed below.
                }
            }

            if (!_worker.HasExited)
            {
                _worker.Kill(entireProcessTree: true);
                await _worker.WaitForExitAsync();
            }

            _worker.Dispose();
        }

        await _stopping.CancelAsync();
        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }

        _stopping.Dispose();
        _writeLock.Dispose();
    }

    private async Task StartWorkerAsync(PublishedWorkerFixture published, IReadOnlyDictionary<string, string?> appSettings)
    {
        var address = new Uri(_server!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var port = address.Port.ToString(CultureInfo.InvariantCulture);
        var requestId = Guid.NewGuid().ToString();
        var maxLength = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo(published.ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = published.Directory,
        };
        string[] arguments =
        [
            Path.Combine(published.Directory, published.WorkerPath),
            "--host", "127.0.0.1", "--port", port, "--workerId", WorkerId, "--requestId", requestId, "--grpcMaxMessageLength", maxLength,
            "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", WorkerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", maxLength,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in appSettings)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = published.Directory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = published.Directory;

        var clock = Stopwatch.StartNew();
        _worker = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        _worker.OutputDataReceived += (_, e) => Append(e.Data);
        _worker.ErrorDataReceived += (_, e) => Append(e.Data);
        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();

        var workerId = await Step(_started.Task, "StartStream");
        if (workerId != WorkerId)
        {
            throw new InvalidOperationException($"StartStream named worker '{workerId}', not '{WorkerId}'.");
        }

        var init = await RequestAsync("init", new StreamingMessage
        {
            RequestId = requestId,
            WorkerInitRequest = new WorkerInitRequest
            {
                HostVersion = HostVersion,
                WorkerDirectory = published.Directory,
                FunctionAppDirectory = published.Directory,
                LogCategories = { ["Default"] = RpcLog.Types.Level.Information },
            },
        });
        InitDuration = clock.Elapsed;
        Succeeded(init.WorkerInitResponse.Result, "WorkerInitRequest");
        Capabilities = init.WorkerInitResponse.Capabilities.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);

        if (!published.WorkerIndexing)
        {
            throw new InvalidOperationException("worker.config.json does not enable worker indexing; the emulator only indexes through the worker.");
        }

        var metadata = await RequestAsync("metadata", new StreamingMessage
        {
            RequestId = Guid.NewGuid().ToString(),
            FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = published.Directory },
        });
        Succeeded(metadata.FunctionMetadataResponse.Result, "FunctionsMetadataRequest");
        if (metadata.FunctionMetadataResponse.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("The worker asked the host to index its functions.");
        }

        foreach (var function in metadata.FunctionMetadataResponse.FunctionMetadataResults)
        {
            var loaded = await RequestAsync("load:" + function.FunctionId, new StreamingMessage
            {
                RequestId = Guid.NewGuid().ToString(),
                FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = Loadable(function, published.Directory) },
            });
            Succeeded(loaded.FunctionLoadResponse.Result, $"FunctionLoadRequest for {function.Name}");
            _functions[function.Name] = function;
        }
    }

    /// <summary>The metadata as the host sends it back in FunctionLoadRequest: raw bindings turned into binding infos.</summary>
    private static RpcFunctionMetadata Loadable(RpcFunctionMetadata reported, string directory)
    {
        var metadata = reported.Clone();
        metadata.Directory = directory;
        metadata.Bindings.Clear();
        foreach (var binding in Bindings(reported))
        {
            var info = new BindingInfo
            {
                Type = binding["type"]!.GetValue<string>(),
                Direction = (binding["direction"]?.GetValue<string>() ?? "in").ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
            };
            if (binding["dataType"]?.GetValue<string>() is { } dataType
                && System.Enum.TryParse<BindingInfo.Types.DataType>(dataType, ignoreCase: true, out var parsed))
            {
                info.DataType = parsed;
            }

            metadata.Bindings.Add(binding["name"]!.GetValue<string>(), info);
        }

        return metadata;
    }

    private static IEnumerable<JsonObject> Bindings(RpcFunctionMetadata function) =>
        function.RawBindings.Select(raw => JsonNode.Parse(raw)!.AsObject());

    private (RpcFunctionMetadata Function, JsonObject Trigger, Dictionary<string, string> RouteValues)? Match(string path, string method)
    {
        // Literal routes win over the catch-all, as in ASP.NET Core routing.
        var candidates = _functions.Values
            .Select(function => (Function: function, Trigger: Bindings(function).SingleOrDefault(binding => binding["type"]?.GetValue<string>() == "httpTrigger")))
            .Where(candidate => candidate.Trigger is not null)
            .Select(candidate => (candidate.Function, Trigger: candidate.Trigger!, Route: candidate.Trigger!["route"]?.GetValue<string>() ?? candidate.Function.Name))
            .Where(candidate => candidate.Trigger["methods"] is not JsonArray methods
                || methods.Any(allowed => string.Equals(allowed?.GetValue<string>(), method, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(candidate => candidate.Route.Contains('{', StringComparison.Ordinal));
        foreach (var (function, trigger, route) in candidates)
        {
            if (route.StartsWith("{*", StringComparison.Ordinal) && route.EndsWith('}'))
            {
                return (function, trigger, new Dictionary<string, string> { [route[2..^1]] = path });
            }

            if (string.Equals(route, path, StringComparison.OrdinalIgnoreCase))
            {
                return (function, trigger, []);
            }
        }

        return null;
    }

    private static bool HasFunctionKey(EmulatedHttpRequest request, Uri url) =>
        request.Headers.Any(header => string.Equals(header.Key, "x-functions-key", StringComparison.OrdinalIgnoreCase) && header.Value == FunctionKey)
        || url.Query.TrimStart('?').Split('&').Contains("code=" + FunctionKey, StringComparer.Ordinal);

    private static EmulatedHttpResponse Plain(int status, string body) =>
        new() { StatusCode = status, Headers = new Dictionary<string, string> { ["Content-Type"] = "text/plain" }, Body = body };

    private async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation)
    {
        invocation.InvocationId = Guid.NewGuid().ToString();
        invocation.TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-01" };
        var response = await RequestAsync("invoke:" + invocation.InvocationId, new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = invocation });
        return response.InvocationResponse;
    }

    private async Task<StreamingMessage> RequestAsync(string key, StreamingMessage message)
    {
        var reply = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[key] = reply;
        await WriteAsync(message);
        return await Step(reply.Task, message.ContentCase.ToString());
    }

    private async Task WriteAsync(StreamingMessage message)
    {
        var writer = _writer ?? throw new InvalidOperationException("The worker has not opened its stream.");
        await _writeLock.WaitAsync();
        try
        {
            await writer.WriteAsync(message);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.WorkerInitResponse => "init",
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => "metadata",
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => "load:" + message.FunctionLoadResponse.FunctionId,
            StreamingMessage.ContentOneofCase.InvocationResponse => "invoke:" + message.InvocationResponse.InvocationId,
            _ => null,
        };
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            _logs.Enqueue(message.RpcLog);
            Interlocked.Exchange(ref _logArrived, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
        else if (key is not null && _pending.TryRemove(key, out var reply))
        {
            reply.TrySetResult(message);
        }
    }

    private async Task<T> Step<T>(Task<T> step, string name)
    {
        var exited = _worker!.WaitForExitAsync();
        var finished = await Task.WhenAny(step, exited, Task.Delay(StepTimeout));
        if (finished == step)
        {
            return await step;
        }

        var why = finished == exited ? $"the worker exited with {_worker.ExitCode}" : $"no answer within {StepTimeout}";
        throw new InvalidOperationException($"{name}: {why}.\n{Output}");
    }

    private void Succeeded(StatusResult result, string step)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{step} failed: {result.Result} {result.Exception?.Message}\n{Output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64 * 1024)
            {
                _output.AppendLine(line);
            }
        }
    }
}
