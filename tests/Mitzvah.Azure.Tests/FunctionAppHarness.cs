using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The Function app as the worker runs it, minus the gRPC link to the Functions host: a generic host built with
/// <see cref="MitzvahFunctionsApp.ConfigureServices"/> and started (so start-up validation runs), the worker's own
/// function activator, one service scope per invocation, and real <c>HttpRequestData</c>/<c>TimerInfo</c> inputs.
/// </summary>
internal sealed class FunctionAppHarness : IAsyncDisposable
{
    /// <summary>The URL the worker would report for a request (what the Functions host saw).</summary>
    public static readonly Uri BaseUrl = new("https://mitzvah-test.azurewebsites.net/");

    // The worker's own activator (internal type, stateless), taken from its registration without the gRPC worker.
    private static readonly IFunctionActivator Activator = WorkerActivator();

    private readonly IHost _host;

    private FunctionAppHarness(IHost host, FakeTimeProvider time, CapturedLogs logs)
    {
        _host = host;
        Time = time;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts the app; throws what the worker would throw at start-up.</summary>
    public static async Task<FunctionAppHarness> StartAsync(
        IReadOnlyDictionary<string, string?> settings, DateTimeOffset? now = null, Action<IServiceCollection>? configure = null)
    {
        var time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var logs = new CapturedLogs();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        MitzvahFunctionsApp.ConfigureServices(builder.Services, builder.Configuration);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new FunctionAppHarness(host, time, logs);
    }

    /// <summary>Activates a function class the way the worker's generated executor does, in a fresh invocation scope.</summary>
    public Invocation<T> Activate<T>()
        where T : class
    {
        var scope = _host.Services.CreateAsyncScope();
        var context = new TestFunctionContext(scope.ServiceProvider, typeof(T).Name);
        var function = (T)(Activator.CreateInstance(typeof(T), context) ?? throw new InvalidOperationException($"{typeof(T).Name} was not activated."));
        return new Invocation<T>(function, context, scope);
    }

    /// <summary>A request as the worker would present it.</summary>
    public static TestHttpRequestData Request(
        FunctionContext context, string method, string pathAndQuery, string? contentType = null, string body = "", IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var allHeaders = (headers ?? []).ToList();
        if (contentType is not null)
        {
            allHeaders.Add(new("Content-Type", contentType));
        }

        return new TestHttpRequestData(context, method, new Uri(BaseUrl, pathAndQuery), Encoding.UTF8.GetBytes(body), allHeaders);
    }

    private static IFunctionActivator WorkerActivator()
    {
        var services = new ServiceCollection();
        services.AddFunctionsWorkerCore();
        return services.BuildServiceProvider().GetRequiredService<IFunctionActivator>();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>One activated function with its invocation context and scope.</summary>
internal sealed class Invocation<T>(T function, FunctionContext context, AsyncServiceScope scope) : IAsyncDisposable
{
    public T Function { get; } = function;

    public FunctionContext Context { get; } = context;

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}
