using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Cli.Tests;

/// <summary>The local server (<c>mitzvah serve</c>) on a free port with its own database, reached over real HTTP.</summary>
internal sealed class LocalServerHost : IConsentHost
{
    private readonly LocalServer _server;
    private readonly HttpClient _http;
    private readonly string _databasePath;

    private LocalServerHost(LocalServer server, string databasePath)
    {
        _server = server;
        _databasePath = databasePath;
        _http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public Uri PublicUrl => _server.ConsentUrl;

    public ISubscriberStore Store => _server.Services.GetRequiredService<ISubscriberStore>();

    public static async Task<LocalServerHost> StartAsync(HostSettings settings)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-serve-{Guid.NewGuid():N}.db");
        var configuration = CliServices.Configuration(settings.ToEnvironment());
        var server = await LocalServer.StartAsync(configuration, databasePath, 0, TextWriter.Null);
        return new LocalServerHost(server, databasePath);
    }

    public async Task<ScenarioResponse> SendAsync(ScenarioRequest request, IReadOnlyDictionary<string, string> extraHeaders)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Body.Length > 0 || request.ContentType is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
            message.Content.Headers.ContentType = request.ContentType is null ? null : MediaTypeHeaderValue.Parse(request.ContentType);
        }

        foreach (var (name, value) in (request.Headers ?? new Dictionary<string, string>()).Concat(extraHeaders))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(message);
        return new ScenarioResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("Retry-After", out var retry) ? string.Join(",", retry) : null);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }
}
