using System.Text.Json;
using Mitzvah.Core.Endpoints;
using Mitzvah.TableStorage;
using Mitzvah.Testing.Endpoints;
using Mitzvah.Twilio;

namespace Mitzvah.Azure.Tests;

/// <summary>The catch-all HTTP function: every Core route, health included, through one translation.</summary>
[Collection(SharedStandIns.Name)]
public sealed class HttpFunctionTests(StandInsFixture standIns) : IAsyncLifetime
{
    private readonly string _prefix = StandInsFixture.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task An_unreachable_store_makes_health_fail_and_names_the_store()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Offline());

        var response = await GetHealthAsync(app);

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Contains("table-storage subscriber store did not answer", response.ReadBody(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_registered_only_in_the_container_is_served_with_what_the_request_carried()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings(), configure: services => services.AddMitzvahRoute<EchoRoute>());

        var response = await InvokeAsync(app, "POST", "api/test-echo?x=1", "hello", [new("X-Forwarded-For", "203.0.113.7, 10.0.0.1")]);

        Assert.Equal(200, (int)response.StatusCode);
        using var json = JsonDocument.Parse(response.ReadBody());
        Assert.Equal("POST", json.RootElement.GetProperty("method").GetString());
        Assert.Equal(EchoRoute.Path, json.RootElement.GetProperty("path").GetString());
        Assert.Equal("x=1", json.RootElement.GetProperty("query").GetString());
        Assert.Equal("hello", json.RootElement.GetProperty("body").GetString());
        Assert.Equal("203.0.113.7", json.RootElement.GetProperty("clientAddress").GetString());
        Assert.Equal(new Uri(FunctionAppHarness.BaseUrl, "api/test-echo?x=1").ToString(), json.RootElement.GetProperty("publicUrl").GetString());
    }

    [Fact]
    public async Task An_unknown_path_is_404_with_a_sentence_naming_the_routes()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings());

        var response = await InvokeAsync(app, "GET", "api/nothing-here");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains(RoutePaths.Consent, response.ReadBody(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_on_the_consent_path_is_the_same_health_report()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings());

        var consent = await InvokeAsync(app, "GET", "api/consent");
        var health = await GetHealthAsync(app);

        Assert.Equal(200, (int)consent.StatusCode);
        using var a = JsonDocument.Parse(consent.ReadBody());
        using var b = JsonDocument.Parse(health.ReadBody());
        foreach (var field in new[] { "service", "status", "store", "messenger" })
        {
            Assert.Equal(b.RootElement.GetProperty(field).GetString(), a.RootElement.GetProperty(field).GetString());
        }
    }

    [Fact]
    public async Task Health_reports_ok_with_the_store_and_messenger_kinds()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings());

        var response = await GetHealthAsync(app);

        var body = response.ReadBody();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("table-storage", json.RootElement.GetProperty("store").GetString());
        Assert.Equal("twilio", json.RootElement.GetProperty("messenger").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("problems").GetArrayLength());
    }

    [Fact]
    public async Task Health_shows_no_secret()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings());

        var body = (await GetHealthAsync(app)).ReadBody();

        foreach (var secret in new[] { TestSettings.AuthToken, TestSettings.SendToken, TestSettings.AccountSid, "UseDevelopmentStorage" })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Missing_twilio_credentials_make_health_degraded_and_name_the_settings()
    {
        var settings = Settings();
        settings.Remove(TwilioSettingNames.TwilioAccountSid);
        settings.Remove(TwilioSettingNames.TwilioAuthToken);
        await using var app = await FunctionAppHarness.StartAsync(settings);

        var response = await GetHealthAsync(app);

        var body = response.ReadBody();
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Contains("\"status\":\"degraded\"", body, StringComparison.Ordinal);
        Assert.Contains(TwilioSettingNames.TwilioAccountSid, body, StringComparison.Ordinal);
        Assert.Contains(TwilioSettingNames.TwilioAuthToken, body, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings()
    {
        var settings = TestSettings.Offline();
        settings[TableStorageSettingNames.AzureTablesConnectionString] = standIns.TablesConnectionString;
        settings[TableStorageSettingNames.AzureTablesPrefix] = _prefix;
        return settings;
    }

    private static Task<TestHttpResponseData> GetHealthAsync(FunctionAppHarness app) => InvokeAsync(app, "GET", "api/health");

    private static async Task<TestHttpResponseData> InvokeAsync(
        FunctionAppHarness app, string method, string path, string body = "", IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        await using var invocation = app.Activate<HttpFunction>();
        var request = FunctionAppHarness.Request(invocation.Context, method, path, "text/plain", body, headers ?? []);
        return (TestHttpResponseData)await invocation.Function.RunAsync(request, CancellationToken.None);
    }
}
