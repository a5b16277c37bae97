using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.DynamoDb;
using Mitzvah.Testing.Consent;
using Mitzvah.Testing.Lambda;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Aws.Tests;

/// <summary>dynalite (DynamoDB) and Prism (Twilio's API) for the whole assembly; each test makes its own tables.</summary>
public sealed class AwsStandIns : IAsyncLifetime
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string SendToken = "send-token-0123456789abcdef";

    // Mail through SES's SMTP interface, as the template configures it.
    private static readonly Dictionary<string, string> SesSmtp = new()
    {
        ["SMTP_HOST"] = "email-smtp.us-east-1.amazonaws.com",
        ["SMTP_PORT"] = "587",
        ["SMTP_SECURITY"] = "starttls",
        ["SMTP_USERNAME"] = "AKIAIOSFODNN7EXAMPLE",
        ["SMTP_PASSWORD"] = "smtp-password-derived-from-the-secret-key",
        ["MAIL_FROM"] = "Daily Mitzvah <mitzvah@example.org>",
        ["MAIL_RATE_PER_SECOND"] = "1",
        ["MAIL_LINK_SECRET"] = "mail-link-secret-0123456789abcdef0123456789",

        // The links in mails point at the function URL.
        ["PUBLIC_CONSENT_URL"] = $"https://{FunctionUrlFrontEnd.UrlId}.lambda-url.us-east-1.on.aws/api/consent",
    };

    private NodeServer? _dynalite;
    private NodeServer? _prism;
    private AmazonDynamoDBClient? _client;

    public Uri DynamoDbUrl => _dynalite!.BaseUrl;

    public Uri TwilioUrl => _prism!.BaseUrl;

    public IAmazonDynamoDB Client => _client!;

    public async Task InitializeAsync()
    {
        var dynalite = StandInServers.StartDynaliteAsync();
        var prism = StandInServers.StartPrismAsync();
        _dynalite = await dynalite;
        _prism = await prism;
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig { ServiceURL = _dynalite.BaseUrl.ToString(), AuthenticationRegion = "us-east-1" });
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_dynalite is not null)
        {
            await _dynalite.DisposeAsync();
        }

        if (_prism is not null)
        {
            await _prism.DisposeAsync();
        }
    }

    /// <summary>Fresh tables, and the environment a deployed function would have for them.</summary>
    public async Task<Dictionary<string, string?>> NewEnvironmentAsync(HostSettings? consent = null, string? sendToken = SendToken)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var tables = new DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
        await DynamoDbTables.CreateAsync(Client, tables);
        var environment = new Dictionary<string, string?>((consent ?? HostSettings.Default).ToEnvironment())
        {
            ["SUBSCRIBERS_TABLE"] = tables.SubscribersTable,
            ["CONSENT_HISTORY_TABLE"] = tables.ConsentHistoryTable,
            ["DELIVERIES_TABLE"] = tables.DeliveriesTable,
            ["TWILIO_ACCOUNT_SID"] = AccountSid,
            ["TWILIO_API_BASE_URL"] = TwilioUrl.ToString(),
            ["SEND_TOKEN"] = sendToken,
        };
        return environment;
    }

    /// <summary>
    /// <see cref="NewEnvironmentAsync"/> plus SES SMTP settings. Nothing connects at cold start, so no server needs
    /// to be behind them.
    /// </summary>
    public async Task<Dictionary<string, string?>> NewEnvironmentWithMailAsync()
    {
        var environment = await NewEnvironmentAsync();
        foreach (var (name, value) in SesSmtp)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>Handler wiring for in-process tests: the given settings, DynamoDB = dynalite.</summary>
    public static IConfiguration Configuration(IDictionary<string, string?> environment) =>
        new ConfigurationBuilder().AddInMemoryCollection(environment).Build();

    public Action<IServiceCollection> UseDynalite() => services => services.AddSingleton(Client);
}

[CollectionDefinition(Name)]
public sealed class SharedAwsStandIns : ICollectionFixture<AwsStandIns>
{
    public const string Name = "aws stand-ins";
}
