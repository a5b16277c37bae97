using System.Net;
using System.Text.Json;
using Mitzvah.Core.Endpoints;
using Mitzvah.Testing.Endpoints;

namespace Mitzvah.Cli.Tests;

/// <summary><c>mitzvah serve</c> maps one catch-all onto Core's router, over real HTTP.</summary>
public sealed class LocalServerRouterTests : IAsyncLifetime
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-router-{Guid.NewGuid():N}.db");
    private LocalServer? _server;
    private HttpClient? _http;

    private HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        _server = await LocalServer.StartAsync(
            CliServices.Configuration(), _databasePath, 0, TextWriter.Null, services => services.AddMitzvahRoute<EchoRoute>());
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Delete(_databasePath);
    }

    [Fact]
    public async Task A_route_registered_only_in_the_container_is_served_with_what_the_request_carried()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{EchoRoute.Path}?x=1") { Content = new StringContent("hello") };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(EchoRoute.Path, json.RootElement.GetProperty("path").GetString());
        Assert.Equal("x=1", json.RootElement.GetProperty("query").GetString());
        Assert.Equal("hello", json.RootElement.GetProperty("body").GetString());
        Assert.Equal("203.0.113.7", json.RootElement.GetProperty("clientAddress").GetString());
        Assert.Equal(new Uri(_server!.BaseAddress, $"{EchoRoute.Path}?x=1").ToString(), json.RootElement.GetProperty("publicUrl").GetString());
    }

    [Fact]
    public async Task Health_and_an_unknown_path_answer_through_the_same_router()
    {
        using var health = await Http.GetAsync(new Uri(RoutePaths.Health, UriKind.Relative));
        using var unknown = await Http.GetAsync(new Uri("/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var json = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("sqlite", json.RootElement.GetProperty("store").GetString());
        Assert.Equal("outbox", json.RootElement.GetProperty("messenger").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(RoutePaths.Consent, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
