using System.Text.Json;
using Mitzvah.Core;

namespace Mitzvah.Azure.Tests;

[Collection(SharedStandIns.Name)]
public sealed class SendNowFunctionTests(StandInsFixture standIns) : IAsyncLifetime
{
    private readonly string _prefix = StandInsFixture.NewPrefix();

    [Fact]
    public async Task Without_a_send_token_the_trigger_does_not_exist()
    {
        var settings = TestSettings.Complete(standIns, _prefix);
        settings.Remove(SettingNames.SendToken);
        await using var app = await FunctionAppHarness.StartAsync(settings);

        var response = await SendAsync(app, "Bearer " + TestSettings.SendToken);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Contains("SEND_TOKEN", response.ReadBody(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_a_bearer_challenge()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));

        var response = await SendAsync(app, "Bearer not-the-send-token-at-all");

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("Bearer", response.Header("WWW-Authenticate"));
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_right_token_sends_to_the_test_recipient_and_returns_the_summary()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));

        var response = await SendAsync(app, "Bearer " + TestSettings.SendToken, "{\"test_date\":\"2026-11-01\",\"test_recipient\":\"+14155552671\"}");

        var body = response.ReadBody();
        Assert.True((int)response.StatusCode == 200, body);
        using var summary = JsonDocument.Parse(body);
        Assert.Equal("2026-11-01", summary.RootElement.GetProperty("studyDate").GetString());
        Assert.Equal("test-recipient", summary.RootElement.GetProperty("recipients").GetString());
        Assert.Equal("twilio", summary.RootElement.GetProperty("messenger").GetString());
        Assert.Equal(1, summary.RootElement.GetProperty("sent").GetInt64());
        Assert.Equal(0, summary.RootElement.GetProperty("failed").GetInt64());
        Assert.DoesNotContain("+14155552671", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_in_the_query_string_reach_core()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));

        var response = await SendAsync(app, "Bearer " + TestSettings.SendToken, pathAndQuery: "api/send?code=function-key&test_date=2026-11-01&dry_run=true");

        var body = response.ReadBody();
        Assert.True((int)response.StatusCode == 200, body);
        using var summary = JsonDocument.Parse(body);
        Assert.Equal("2026-11-01", summary.RootElement.GetProperty("studyDate").GetString());
        Assert.True(summary.RootElement.GetProperty("dryRun").GetBoolean());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    private static async Task<TestHttpResponseData> SendAsync(FunctionAppHarness app, string authorization, string body = "", string pathAndQuery = "api/send")
    {
        await using var invocation = app.Activate<SendNowFunction>();
        var request = FunctionAppHarness.Request(
            invocation.Context, "POST", pathAndQuery, body.Length > 0 ? "application/json" : null, body, [new("Authorization", authorization)]);
        return (TestHttpResponseData)await invocation.Function.RunAsync(request, CancellationToken.None);
    }
}
