using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.TableStorage;
using Mitzvah.Testing.Consent;
using Mitzvah.Twilio;

namespace Mitzvah.Azure.Tests;

/// <summary>The consent endpoint through the catch-all function of the started Function app, over Azurite tables of its own.</summary>
internal sealed class AzureFunctionsConsentHost : IConsentHost
{
    private readonly FunctionAppHarness _app;
    private readonly StandInsFixture _standIns;
    private readonly string _prefix;

    private AzureFunctionsConsentHost(FunctionAppHarness app, StandInsFixture standIns, string prefix)
    {
        _app = app;
        _standIns = standIns;
        _prefix = prefix;
    }

    public Uri PublicUrl { get; } = new(FunctionAppHarness.BaseUrl, "api/consent");

    public DateTimeOffset Now => _app.Time.GetUtcNow();

    public ISubscriberStore Store => _app.Services.GetRequiredService<ISubscriberStore>();

    public static async Task<AzureFunctionsConsentHost> StartAsync(StandInsFixture standIns, HostSettings settings)
    {
        var prefix = StandInsFixture.NewPrefix();
        var configuration = new Dictionary<string, string?>(settings.ToEnvironment())
        {
            [TableStorageSettingNames.AzureTablesConnectionString] = standIns.TablesConnectionString,
            [TableStorageSettingNames.AzureTablesPrefix] = prefix,
            [MitzvahFunctionsApp.DailyScheduleSetting] = TestSettings.Schedule,
            // One app both sends and serves consent, so it is configured to send, as deployed.
            [TwilioSettingNames.TwilioAccountSid] = TestSettings.AccountSid,
        };
        if (settings.Mail)
        {
            // The links in mails point at the app's public URL, as deployed.
            configuration["PUBLIC_CONSENT_URL"] = new Uri(FunctionAppHarness.BaseUrl, "api/consent").ToString();
        }

        return new AzureFunctionsConsentHost(await FunctionAppHarness.StartAsync(configuration), standIns, prefix);
    }

    public async Task<ScenarioResponse> SendAsync(ScenarioRequest request, IReadOnlyDictionary<string, string> extraHeaders)
    {
        await using var invocation = _app.Activate<HttpFunction>();
        var http = FunctionAppHarness.Request(
            invocation.Context, request.Method, request.Path.TrimStart('/'), request.ContentType, request.Body, (request.Headers ?? new Dictionary<string, string>()).Concat(extraHeaders));
        var response = (TestHttpResponseData)await invocation.Function.RunAsync(http, CancellationToken.None);
        return new ScenarioResponse((int)response.StatusCode, response.Header("Content-Type"), response.ReadBody(), response.Header("Retry-After"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _standIns.DeleteTablesAsync(_prefix);
    }
}
