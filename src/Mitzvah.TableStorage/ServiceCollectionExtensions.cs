using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Limits;

namespace Mitzvah.TableStorage;

/// <summary>Registers the Azure Table Storage store and delivery ledger.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Reads <c>AZURE_TABLES_CONNECTION_STRING</c> or <c>AZURE_TABLES_ENDPOINT</c> (exactly one) and
    /// <c>AZURE_TABLES_PREFIX</c>, and adds a singleton <see cref="TableServiceClient"/> (with the connection string, or
    /// with <see cref="DefaultAzureCredential"/>, i.e. the managed identity, for the endpoint),
    /// <see cref="TableStorageSubscriberStore"/> as <see cref="ISubscriberStore"/> and
    /// <see cref="TableStorageDeliveryLedger"/> as <see cref="IDeliveryLedger"/>.
    /// </summary>
    /// <remarks>Nothing is sent to the service here; the tables are created on first use.</remarks>
    /// <exception cref="OptionsValidationException">The settings are missing, conflicting or malformed; the message names the variable.</exception>
    public static IServiceCollection AddMitzvahTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var options = new TableStorageOptions
        {
            ConnectionString = configuration.Text(TableStorageSettingNames.AzureTablesConnectionString),
            ServiceUri = configuration.HttpUrl(TableStorageSettingNames.AzureTablesEndpoint),
            TablePrefix = configuration.Text(TableStorageSettingNames.AzureTablesPrefix) ?? TableStorageOptions.DefaultTablePrefix,
        };
        var validation = new TableStorageOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TableStorageOptions), validation.Failures);
        }

        var client = CreateServiceClient(options);
        services.AddOptions<TableStorageOptions>().Configure(configured =>
        {
            configured.ConnectionString = options.ConnectionString;
            configured.ServiceUri = options.ServiceUri;
            configured.TablePrefix = options.TablePrefix;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TableStorageOptions>, TableStorageOptionsValidator>());
        services.AddSingleton(client);
        services.AddSingleton<ISubscriberStore>(provider =>
            new TableStorageSubscriberStore(provider.GetRequiredService<TableServiceClient>(), options.TablePrefix));
        services.AddSingleton<IDeliveryLedger>(provider =>
            new TableStorageDeliveryLedger(provider.GetRequiredService<TableServiceClient>(), options.TablePrefix));
        services.AddSingleton<IRateLimiter>(provider =>
            new TableStorageRateLimiter(provider.GetRequiredService<TableServiceClient>(), options.TablePrefix));
        return services;
    }

    private static TableServiceClient CreateServiceClient(TableStorageOptions options)
    {
        if (options.ServiceUri is not null)
        {
            return new TableServiceClient(options.ServiceUri, new DefaultAzureCredential());
        }

        try
        {
            return new TableServiceClient(options.ConnectionString);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or InvalidOperationException)
        {
            // The value may hold the account key, so the message does not repeat it.
            throw new OptionsValidationException(
                TableStorageSettingNames.AzureTablesConnectionString,
                typeof(TableStorageOptions),
                [$"{TableStorageSettingNames.AzureTablesConnectionString} is not a valid storage connection string ({exception.GetType().Name})."]);
        }
    }
}
