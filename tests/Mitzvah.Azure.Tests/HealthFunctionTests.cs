using System.Text.Json;
using Mitzvah.Core;

namespace Mitzvah.Azure.Tests;

public sealed class HealthFunctionTests
{
    [Fact]
    public async Task Health_reports_ok_with_the_store_and_messenger_kinds()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Offline());

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
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Offline());

        var body = (await GetHealthAsync(app)).ReadBody();

        foreach (var secret in new[] { TestSettings.AuthToken, TestSettings.SendToken, TestSettings.AccountSid, "UseDevelopmentStorage" })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Missing_twilio_credentials_make_health_degraded_and_name_the_settings()
    {
        var settings = TestSettings.Offline();
        settings.Remove(SettingNames.TwilioAccountSid);
        settings.Remove(SettingNames.TwilioAuthToken);
        await using var app = await FunctionAppHarness.StartAsync(settings);

        var response = await GetHealthAsync(app);

        var body = response.ReadBody();
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Contains("\"status\":\"degraded\"", body, StringComparison.Ordinal);
        Assert.Contains(SettingNames.TwilioAccountSid, body, StringComparison.Ordinal);
        Assert.Contains(SettingNames.TwilioAuthToken, body, StringComparison.Ordinal);
    }

    private static async Task<TestHttpResponseData> GetHealthAsync(FunctionAppHarness app)
    {
        await using var invocation = app.Activate<HealthFunction>();
        var request = FunctionAppHarness.Request(invocation.Context, "GET", "api/health");
        return (TestHttpResponseData)await invocation.Function.RunAsync(request, CancellationToken.None);
    }
}
