using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Limits;

namespace Mitzvah.Sqlite;

/// <summary>Registers the SQLite store and delivery ledger.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="SqliteSubscriberStore"/> on <paramref name="databasePath"/> as the singleton
    /// <see cref="ISubscriberStore"/>, and <see cref="SqliteDeliveryLedger"/> on the same file as the singleton
    /// <see cref="IDeliveryLedger"/>, and <see cref="SqliteRateLimiter"/> as the <see cref="IRateLimiter"/>.
    /// </summary>
    public static IServiceCollection AddMitzvahSqlite(this IServiceCollection services, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);

        services.AddOptions<SqliteStoreOptions>().Configure(options => options.DatabasePath = databasePath);
        services.AddSingleton<ISubscriberStore>(provider =>
            new SqliteSubscriberStore(provider.GetRequiredService<IOptions<SqliteStoreOptions>>()));
        services.AddSingleton<IDeliveryLedger, SqliteDeliveryLedger>();
        services.AddSingleton<IRateLimiter>(provider => new SqliteRateLimiter(provider.GetRequiredService<IOptions<SqliteStoreOptions>>()));
        return services;
    }
}
