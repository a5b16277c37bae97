using Mitzvah.Core;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Azure.Tests;

/// <summary>What the catch-all function adds to Core's consent endpoint: the signature URL and the HTTP translation.</summary>
[Collection(SharedStandIns.Name)]
public sealed class HttpFunctionConsentTests(StandInsFixture standIns) : IAsyncLifetime
{
    private static readonly Uri PublicConsentUrl = new("https://mitzvah.example.org/api/consent");
    private readonly string _prefix = StandInsFixture.NewPrefix();

    [Fact]
    public async Task Webhooks_signed_over_the_public_consent_url_are_accepted()
    {
        await using var app = await StartAsync();

        var response = await PostWebhookAsync(app, signedOver: PublicConsentUrl);

        Assert.True((int)response.StatusCode == 200, response.ReadBody());
        Assert.StartsWith("text/xml", response.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_public_consent_url_a_signature_over_the_worker_url_is_refused()
    {
        await using var app = await StartAsync();

        var response = await PostWebhookAsync(app, signedOver: new Uri(FunctionAppHarness.BaseUrl, "api/consent"));

        Assert.Equal(403, (int)response.StatusCode);
    }

    [Fact]
    public async Task Head_answers_without_a_body()
    {
        await using var app = await StartAsync();
        await using var invocation = app.Activate<HttpFunction>();

        var response = (TestHttpResponseData)await invocation.Function.RunAsync(
            FunctionAppHarness.Request(invocation.Context, "HEAD", "api/consent"), CancellationToken.None);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(string.Empty, response.ReadBody());
    }

    [Fact]
    public async Task Extra_response_headers_reach_the_client()
    {
        await using var app = await StartAsync();
        await using var invocation = app.Activate<HttpFunction>();

        var response = (TestHttpResponseData)await invocation.Function.RunAsync(
            FunctionAppHarness.Request(invocation.Context, "PUT", "api/consent", ScenarioRequest.JsonType, "{}"), CancellationToken.None);

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("GET, HEAD, POST", response.Header("Allow"));
    }

    [Fact]
    public async Task Header_names_are_matched_case_insensitively()
    {
        await using var app = await StartAsync();
        await using var invocation = app.Activate<HttpFunction>();

        var response = (TestHttpResponseData)await invocation.Function.RunAsync(
            FunctionAppHarness.Request(
                invocation.Context, "POST", "api/consent", body: "{\"phone\":\"+14155552671\",\"consent\":true}", headers: [new("content-type", "application/json")]),
            CancellationToken.None);

        Assert.True((int)response.StatusCode == 200, response.ReadBody());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    private Task<FunctionAppHarness> StartAsync()
    {
        var settings = TestSettings.Complete(standIns, _prefix);
        settings[SettingNames.PublicConsentUrl] = PublicConsentUrl.ToString();
        return FunctionAppHarness.StartAsync(settings);
    }

    private static async Task<TestHttpResponseData> PostWebhookAsync(FunctionAppHarness app, Uri signedOver)
    {
        var request = ScenarioRequest.Webhook("JOIN MITZVAH");
        await using var invocation = app.Activate<HttpFunction>();
        var http = FunctionAppHarness.Request(
            invocation.Context,
            request.Method,
            "api/consent",
            request.ContentType,
            request.Body,
            [new("X-Twilio-Signature", TwilioSignature.Compute(TestSettings.AuthToken, signedOver, request.Form!))]);
        return (TestHttpResponseData)await invocation.Function.RunAsync(http, CancellationToken.None);
    }
}
