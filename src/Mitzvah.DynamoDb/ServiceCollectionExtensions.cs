using Amazon.DynamoDBv2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Limits;

namespace Mitzvah.DynamoDb;

/// <summary>Registers the DynamoDB subscriber store and delivery ledger.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DynamoDbSubscriberStore"/> as the singleton <see cref="ISubscriberStore"/>,
    /// <see cref="DynamoDbDeliveryLedger"/> as the singleton <see cref="IDeliveryLedger"/>, and
    /// <see cref="DynamoDbOptedInBackfill"/> and <see cref="DynamoDbRateLimiter"/> as the <see cref="IRateLimiter"/>, on the tables named by <c>SUBSCRIBERS_TABLE</c>,
    /// <c>CONSENT_HISTORY_TABLE</c> and <c>DELIVERIES_TABLE</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The options are validated on start (or, without a generic host, when a store is first resolved); a missing
    /// table name fails with a message naming its variable.
    /// </para>
    /// <para>
    /// Unless one is already registered, <see cref="IAmazonDynamoDB"/> is a default <see cref="AmazonDynamoDBClient"/>:
    /// region, credentials and endpoint come from the SDK's standard chain, which includes the
    /// <c>AWS_ENDPOINT_URL_DYNAMODB</c> (and <c>AWS_ENDPOINT_URL</c>) environment variable for a local DynamoDB.
    /// </para>
    /// </remarks>
    public static IServiceCollection AddMitzvahDynamoDb(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<DynamoDbOptions>()
            .Configure(options =>
            {
                options.SubscribersTable = configuration.Text(DynamoDbSettingNames.SubscribersTable) ?? string.Empty;
                options.ConsentHistoryTable = configuration.Text(DynamoDbSettingNames.ConsentHistoryTable) ?? string.Empty;
                options.DeliveriesTable = configuration.Text(DynamoDbSettingNames.DeliveriesTable) ?? string.Empty;
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbOptions>, DynamoDbOptionsValidator>());

        services.TryAddSingleton<IAmazonDynamoDB>(_ => new AmazonDynamoDBClient());
        services.AddSingleton<ISubscriberStore>(provider => new DynamoDbSubscriberStore(
            provider.GetRequiredService<IAmazonDynamoDB>(), provider.GetRequiredService<IOptions<DynamoDbOptions>>()));
        services.AddSingleton<IDeliveryLedger>(provider => new DynamoDbDeliveryLedger(
            provider.GetRequiredService<IAmazonDynamoDB>(), provider.GetRequiredService<IOptions<DynamoDbOptions>>()));
        services.AddSingleton(provider => new DynamoDbOptedInBackfill(
            provider.GetRequiredService<IAmazonDynamoDB>(), provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<IRateLimiter>(provider => new DynamoDbRateLimiter(
            provider.GetRequiredService<IAmazonDynamoDB>(), provider.GetRequiredService<IOptions<DynamoDbOptions>>()));
        return services;
    }
}
