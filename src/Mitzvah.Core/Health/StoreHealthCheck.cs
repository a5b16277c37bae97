using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Health;

/// <summary>Reads one (absent) subscriber, which proves the store answers and this deployment may read it.</summary>
internal sealed class StoreHealthCheck(IServiceProvider services) : IHealthCheck
{
    private const string ProbePhone = "+10000000000";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService(typeof(ISubscriberStore)) is not ISubscriberStore store)
        {
            return HealthCheckResult.Healthy("No subscriber store: the configured recipient list is used.", Data("none"));
        }

        try
        {
            await store.GetAsync(ProbePhone, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(data: Data(store.Kind));
        }
#pragma warning disable CA1031 // Any failure of the store is what this check reports.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            return HealthCheckResult.Unhealthy($"The {store.Kind} subscriber store did not answer: {ex.GetType().Name}.", data: Data(store.Kind));
        }
    }

    private static Dictionary<string, object> Data(string kind) => new() { [HealthEndpoint.KindKey] = kind };
}
