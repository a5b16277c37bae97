using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Cli;

/// <summary>
/// <c>mitzvah serve</c>: Kestrel on 127.0.0.1 with one catch-all that hands every request to Core's
/// <see cref="EndpointRouter"/> (consent, manual send, health, the opt-in page and its <c>config.json</c>).
/// Translates HTTP to Core's transport-neutral model and back; nothing more.
/// </summary>
internal sealed partial class LocalServer : IAsyncDisposable
{

    // Requests in flight get this long when the server stops, well inside the grace period supervisors give before killing.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    private readonly WebApplication _app;

    private LocalServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri ConsentUrl => new(BaseAddress, RoutePaths.Consent);

    public IServiceProvider Services => _app.Services;

    /// <summary>Cancelled when the process is asked to stop (Ctrl+C, SIGTERM); the server keeps answering until disposed.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Starts the server; port 0 picks a free port; <paramref name="configure"/> adds to the container (tests).</summary>
    public static async Task<LocalServer> StartAsync(
        IConfiguration configuration, string databasePath, int port, TextWriter log, Action<IServiceCollection>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddMitzvahCli(configuration, databasePath, log);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        configure?.Invoke(builder.Services);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        var router = app.Services.GetRequiredService<EndpointRouter>();
        app.Map("/{**path}", (HttpContext context) => HandleAsync(context, router));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new LocalServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
        if (configuration.Text(SettingNames.PublicConsentUrl) is null)
        {
            // Without a public address the links in mails point here; the port is known only now (0 picks one).
            app.Services.GetRequiredService<IOptions<MailOptions>>().Value.LinkBaseUrl = server.BaseAddress;
        }

        var webhook = app.Services.GetRequiredService<IInboundWebhook>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mitzvah.Cli.Serve");
        LogStarted(logger, server.ConsentUrl, server.BaseAddress, databasePath);
        if (!webhook.CanVerify)
        {
            LogNoAuthToken(logger);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, EndpointRouter router)
    {
        var http = context.Request;
        var request = new EndpointRequest
        {
            Method = http.Method.ToUpperInvariant(),
            Path = http.Path.Value is { Length: > 0 } path ? path : "/",
            Headers = EndpointRequest.HeaderDictionary(http.Headers.Select(header => KeyValuePair.Create(header.Key, header.Value.ToString()))),
            QueryString = http.QueryString.HasValue ? http.QueryString.Value![1..] : string.Empty,
            Body = await EndpointRequest.ReadBodyAsync(http.Body, context.RequestAborted).ConfigureAwait(false),
            Url = new Uri($"{http.Scheme}://{http.Host}{http.PathBase}{http.Path}{http.QueryString}"),
            RemoteAddress = context.Connection.RemoteIpAddress?.ToString(),
        };
        var response = await router.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (!HttpMethods.IsHead(http.Method))
        {
            await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent endpoint {Url}, opt-in page {Page}, database {Database}")]
    private static partial void LogStarted(ILogger logger, Uri url, Uri page, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TWILIO_AUTH_TOKEN is not set: WhatsApp webhooks will be refused (403) because their signatures cannot be checked")]
    private static partial void LogNoAuthToken(ILogger logger);
}
