using System.Text.Json;
using Mitzvah.Core;
using Mitzvah.Core.Sending;

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

    [Theory]
    [InlineData("POST", "application/json", "{\"test_date\": \"2026-11", 400, "not a valid JSON object")]
    [InlineData("POST", "application/json", "[\"2026-11-01\"]", 400, "not a valid JSON object")]
    [InlineData("POST", "application/json", "{\"test_date\":\"11/01/2026\"}", 400, "is not a date like 2026-11-25")]
    [InlineData("POST", "application/json", "{\"test_recipient\":\"12345\"}", 400, "test_recipient is not a phone number")]
    [InlineData("POST", "application/json", "{\"dry_run\":\"perhaps\"}", 400, "dry_run must be true or false")]
    [InlineData("POST", "application/x-www-form-urlencoded", "test_date=%zz", 400, "form data could not be read")]
    [InlineData("POST", "text/plain", "send it", 415, "Send JSON")]
    [InlineData("GET", null, "", 405, "use POST")]
    public async Task Bad_requests_get_a_clear_error_and_send_nothing(string method, string? contentType, string body, int status, string message)
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));

        var response = await SendAsync(app, "Bearer " + TestSettings.SendToken, body, method: method, contentType: contentType);

        var text = response.ReadBody();
        Assert.True(status == (int)response.StatusCode, text);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Category == typeof(DailySendService).FullName);
        if (status == 405)
        {
            Assert.Equal("POST", response.Header("Allow"));
        }
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_without_sending()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));
        var body = $"{{\"test_date\":\"2026-11-01\",\"pad\":\"{new string('x', 1_000_000)}\"}}";

        var response = await SendAsync(app, "Bearer " + TestSettings.SendToken, body);

        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("64 KiB", response.ReadBody(), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Category == typeof(DailySendService).FullName);
    }

    [Fact]
    public async Task A_wrong_token_runs_nothing_and_the_token_is_not_logged()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Complete(standIns, _prefix));

        var response = await SendAsync(app, "Bearer not-the-send-token-at-all", "{\"test_recipient\":\"+14155552671\"}");

        Assert.Equal(401, (int)response.StatusCode);
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Category == typeof(DailySendService).FullName);
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Message.Contains("not-the-send-token", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Message.Contains(TestSettings.SendToken, StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    private static async Task<TestHttpResponseData> SendAsync(
        FunctionAppHarness app, string authorization, string body = "", string pathAndQuery = "api/send", string method = "POST", string? contentType = "application/json")
    {
        await using var invocation = app.Activate<SendNowFunction>();
        var request = FunctionAppHarness.Request(
            invocation.Context, method, pathAndQuery, body.Length > 0 ? contentType : null, body, [new("Authorization", authorization)]);
        return (TestHttpResponseData)await invocation.Function.RunAsync(request, CancellationToken.None);
    }
}
