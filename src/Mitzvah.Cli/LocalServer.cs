using System.Net;
using System.Text.Json;
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
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;

namespace Mitzvah.Cli;

/// <summary>
/// <c>mitzvah serve</c>: Kestrel on 127.0.0.1 serving the consent endpoint at <c>/api/consent</c>, the opt-in page at
/// <c>/</c> and its <c>config.json</c>. Translates HTTP to Core's transport-neutral model and back; nothing more.
/// </summary>
internal sealed partial class LocalServer : IAsyncDisposable
{
    public const string ConsentPath = "/api/consent";
    public const string SendPath = "/api/send";

    // Requests in flight get this long when the server stops, well inside the grace period supervisors give before killing.
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(4);

    private readonly WebApplication _app;

    private LocalServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri ConsentUrl => new(BaseAddress, ConsentPath);

    public IServiceProvider Services => _app.Services;

    /// <summary>Cancelled when the process is asked to stop (Ctrl+C, SIGTERM); the server keeps answering until disposed.</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>Starts the server; port 0 picks a free port.</summary>
    public static async Task<LocalServer> StartAsync(
        IConfiguration configuration, string databasePath, int port, TextWriter log, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Services.AddMitzvahCli(configuration, databasePath, log);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        app.Map(ConsentPath, (HttpContext context) => HandleAsync(context, context.RequestServices.GetRequiredService<ConsentEndpoint>().HandleAsync));
        app.Map(SendPath, (HttpContext context) => HandleAsync(context, context.RequestServices.GetRequiredService<SendEndpoint>().HandleAsync));
        app.MapGet("/", ServePage);
        app.MapGet("/optin.html", ServePage);
        app.MapGet("/config.json", (HttpContext context) => ServeConfig(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new LocalServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
        var signatures = app.Services.GetRequiredService<IWebhookSignatureValidator>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mitzvah.Cli.Serve");
        LogStarted(logger, server.ConsentUrl, server.BaseAddress, databasePath);
        if (!signatures.IsConfigured)
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

    private static async Task HandleAsync(HttpContext context, Func<EndpointRequest, CancellationToken, Task<EndpointResponse>> endpoint)
    {
        var request = await ToEndpointRequestAsync(context).ConfigureAwait(false);
        var response = await endpoint(request, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = response.ContentType;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static async Task<EndpointRequest> ToEndpointRequestAsync(HttpContext context)
    {
        var http = context.Request;
        var body = await EndpointRequest.ReadBodyAsync(http.Body, context.RequestAborted).ConfigureAwait(false);
        var options = context.RequestServices.GetRequiredService<IOptions<ConsentOptions>>().Value;
        // Twilio signs the public consent URL; behind a tunnel or proxy that differs from what Kestrel sees.
        var publicUrl = http.Path == ConsentPath && options.PublicConsentUrl is { } configured ? configured : new Uri($"{http.Scheme}://{http.Host}{http.PathBase}{http.Path}{http.QueryString}");
        return new EndpointRequest(
            http.Method,
            http.Path.Value ?? ConsentPath,
            EndpointRequest.HeaderDictionary(http.Headers.Select(header => KeyValuePair.Create(header.Key, header.Value.ToString()))),
            http.QueryString.HasValue ? http.QueryString.Value![1..] : string.Empty,
            body,
            publicUrl,
            context.Connection.RemoteIpAddress?.ToString());
    }

    private static IResult ServePage()
    {
        using var stream = typeof(LocalServer).Assembly.GetManifestResourceStream("web.optin.html")
            ?? throw new InvalidOperationException("The opt-in page is not embedded.");
        using var reader = new StreamReader(stream);
        return Results.Content(reader.ReadToEnd(), "text/html; charset=utf-8");
    }

    private static IResult ServeConfig(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<ConsentOptions>>().Value;
        var config = new
        {
            consentUrl = ConsentPath,
            whatsappNumber = options.WhatsAppNumber ?? string.Empty,
            consentText = options.ConsentText,
            consentVersion = options.ConsentTextVersion,
            serviceName = options.ServiceName,
        };
        return Results.Text(JsonSerializer.Serialize(config), "application/json; charset=utf-8");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent endpoint {Url}, opt-in page {Page}, database {Database}")]
    private static partial void LogStarted(ILogger logger, Uri url, Uri page, string database);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TWILIO_AUTH_TOKEN is not set: WhatsApp webhooks will be refused (403) because their signatures cannot be checked")]
    private static partial void LogNoAuthToken(ILogger logger);
}
