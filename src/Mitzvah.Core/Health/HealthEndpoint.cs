using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Health;

/// <summary>
/// <see cref="RoutePaths.Health"/> (and GET on the consent endpoint): whether this deployment can do its job, from
/// every registered health check. 200 with <c>status: ok</c>; 200 with <c>status: degraded</c> when something works
/// less well than it should; 503 with <c>status: degraded</c> when a check fails. Lists each problem as a sentence
/// naming the setting to fix; never shows a setting's value.
/// </summary>
public sealed class HealthEndpoint : IEndpointRoute
{
    /// <summary>The name of the store check, whose data carries the store's kind.</summary>
    public const string StoreCheck = "store";

    /// <summary>The name of the messenger check, whose data carries the messenger's kind.</summary>
    public const string MessengerCheck = "messenger";

    /// <summary>The data key holding a component's kind.</summary>
    public const string KindKey = "kind";

    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD" };
    private readonly HealthCheckService _checks;
    private readonly TimeProvider _time;

    /// <summary>Creates the endpoint.</summary>
    public HealthEndpoint(HealthCheckService checks, TimeProvider time)
    {
        _checks = checks;
        _time = time;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.Health];

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method is not ("GET" or "HEAD"))
        {
            return EndpointResponse.Error(405, $"{request.Method} is not supported here; use GET.", AllowHeader);
        }

        var report = await _checks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        var problems = report.Entries.Values
            .Where(entry => entry.Status != HealthStatus.Healthy)
            .SelectMany(entry => (entry.Description ?? entry.Exception?.Message ?? "unknown problem").Split('\n'))
            .ToList();
        return EndpointResponse.JsonBody(report.Status == HealthStatus.Unhealthy ? 503 : 200, new
        {
            service = "mitzvah",
            status = report.Status == HealthStatus.Healthy ? "ok" : "degraded",
            time = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            store = Kind(report, StoreCheck),
            messenger = Kind(report, MessengerCheck),
            problems,
        });
    }

    private static string? Kind(HealthReport report, string check) =>
        report.Entries.TryGetValue(check, out var entry) && entry.Data.TryGetValue(KindKey, out var kind) ? kind as string : null;
}
