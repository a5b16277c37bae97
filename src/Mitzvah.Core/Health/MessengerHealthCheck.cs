using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Health;

/// <summary>
/// Builds the messenger, which checks its settings: a messenger that cannot be built would fail the daily run, so
/// the problem shows here first, with the settings to fix.
/// </summary>
internal sealed class MessengerHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var messenger = (IMessenger?)services.GetService(typeof(IMessenger));
            return Task.FromResult(messenger is null
                ? HealthCheckResult.Unhealthy("No messenger is configured.")
                : HealthCheckResult.Healthy(data: new Dictionary<string, object> { [HealthEndpoint.KindKey] = messenger.Kind }));
        }
        catch (OptionsValidationException ex)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(string.Join('\n', ex.Failures)));
        }
    }
}
