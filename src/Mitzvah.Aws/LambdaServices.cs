using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Logging;
using Mitzvah.DynamoDb;
using Mitzvah.Smtp;
using Mitzvah.Twilio;

namespace Mitzvah.Aws;

/// <summary>
/// The Lambda functions' composition root: Core, Twilio, SMTP (when <c>SMTP_HOST</c> is set) and DynamoDB, configured
/// from environment variables and validated once at cold start.
/// </summary>
/// <remarks>
/// Without <c>SUBSCRIBERS_TABLE</c>, the daily run sends to the <c>RECIPIENTS</c> list (as the original deployment
/// allowed) and keeps only its delivery ledger in DynamoDB.
/// </remarks>
internal static class LambdaServices
{
    public static ServiceProvider Build(IConfiguration configuration, Action<IServiceCollection>? overrides)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new TextWriterLoggerProvider(Console.Out)).SetMinimumLevel(LogLevel.Information));
        var withSubscribers = configuration.Text(DynamoDbSettingNames.SubscribersTable) is not null;
        if (withSubscribers)
        {
            services.AddMitzvahDynamoDb(configuration);
        }
        else
        {
            // The ledger's constructor validates the table name, so a missing DELIVERIES_TABLE fails the cold start by name.
            var ledgerOnly = new DynamoDbOptions { DeliveriesTable = configuration.Text(DynamoDbSettingNames.DeliveriesTable) ?? string.Empty };
            services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
            services.AddSingleton<IDeliveryLedger>(provider => new DynamoDbDeliveryLedger(provider.GetRequiredService<IAmazonDynamoDB>(), ledgerOnly));
        }

        services.AddMitzvahCore(configuration);
        services.AddMitzvahTwilio(configuration);
        // Both functions may send mail (confirmations, unsubscribes, the fallbacks status callbacks trigger), so both
        // fail their cold start on a bad SMTP setting.
        services.AddMitzvahSmtp(configuration);
        if (!withSubscribers)
        {
            // No subscriber store, so nothing to record consent in: only the daily run works in this mode.
            services.RemoveMitzvahRoute<ConsentEndpoint>();
            services.RemoveAll<SubscriberAdministration>();
        }

        overrides?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        // No generic host runs ValidateOnStart here, so resolve what a run needs now: bad settings fail the cold start.
        provider.GetService<IStartupValidator>()?.Validate();
        return provider;
    }
}
