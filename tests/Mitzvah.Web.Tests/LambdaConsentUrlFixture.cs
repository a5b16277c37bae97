using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Mitzvah.Core.Consent;
using Mitzvah.DynamoDb;
using Mitzvah.Testing.Consent;
using Mitzvah.Testing.Lambda;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Web.Tests;

/// <summary>
/// The consent function as it runs on AWS: <c>src/Mitzvah.Aws</c> published once for the run as Lambda packages it,
/// started with <c>dotnet exec</c> under Lambda's environment against a Runtime API stand-in, behind a Function URL
/// stand-in; DynamoDB = dynalite (own tables), Twilio = Prism.
/// </summary>
public sealed class LambdaConsentUrlFixture : IOptInPageHost, IAsyncLifetime
{
    // The consent function's Timeout in aws/template.yaml.
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly LambdaPackage _package = new();
    private NodeServer? _dynalite;
    private NodeServer? _prism;
    private AmazonDynamoDBClient? _client;
    private LambdaRuntimeApi? _runtimeApi;
    private LambdaProcess? _process;
    private FunctionUrlFrontEnd? _functionUrl;
    private DynamoDbSubscriberStore? _store;

    public Uri BaseAddress => _functionUrl?.BaseAddress ?? throw new InvalidOperationException("The function has not been started.");

    public ISubscriberStore Store => _store ?? throw new InvalidOperationException("The function has not been started.");

    public async Task InitializeAsync()
    {
        var dynalite = StandInServers.StartDynaliteAsync();
        var prism = StandInServers.StartPrismAsync();
        await Task.WhenAll(_package.InitializeAsync(), dynalite, prism);
        _dynalite = await dynalite;
        _prism = await prism;
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig { ServiceURL = _dynalite.BaseUrl.ToString(), AuthenticationRegion = "us-east-1" });
        var prefix = "web" + Guid.NewGuid().ToString("N")[..12];
        var tables = new DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
        await DynamoDbTables.CreateAsync(_client, tables);
        _store = new DynamoDbSubscriberStore(_client, tables);

        // The template's variables for the consent function, pointed at the stand-ins.
        var variables = new Dictionary<string, string?>(HostSettings.Default.ToEnvironment())
        {
            ["TWILIO_WHATSAPP_NUMBER"] = LocalServerFixture.WhatsAppNumber,
            ["MITZVAH_FUNCTION"] = "consent",
            ["MITZVAH_TIME_ZONE"] = "America/Chicago",
            ["SUBSCRIBERS_TABLE"] = tables.SubscribersTable,
            ["CONSENT_HISTORY_TABLE"] = tables.ConsentHistoryTable,
            ["DELIVERIES_TABLE"] = tables.DeliveriesTable,
            ["AWS_ENDPOINT_URL_DYNAMODB"] = _dynalite.BaseUrl.ToString(),
            ["TWILIO_ACCOUNT_SID"] = "AC0123456789abcdef0123456789abcdef",
            ["TWILIO_API_BASE_URL"] = _prism.BaseUrl.ToString(),
        };
        _runtimeApi = await LambdaRuntimeApi.StartAsync();
        _process = LambdaProcess.Start(_package, _runtimeApi, "mitzvah-ConsentHandler", variables);

        // A package that cannot start fails here, with its log, instead of every test timing out on its own.
        var started = await Task.WhenAny(_runtimeApi.FirstPoll, _runtimeApi.InitError, _process.WaitForExitAsync(StartTimeout));
        if (started != _runtimeApi.FirstPoll)
        {
            var initError = _runtimeApi.InitError.IsCompleted ? (await _runtimeApi.InitError).Body : "no init error posted";
            throw new InvalidOperationException($"The consent function did not start ({initError}). Its output:\n{_process.Output}");
        }

        _functionUrl = await FunctionUrlFrontEnd.StartAsync(_runtimeApi, ConsentTimeout);
    }

    public async Task DisposeAsync()
    {
        if (_functionUrl is not null)
        {
            await _functionUrl.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_runtimeApi is not null)
        {
            await _runtimeApi.DisposeAsync();
        }

        _client?.Dispose();
        foreach (var server in new[] { _dynalite, _prism })
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        await _package.DisposeAsync();
    }
}
