using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Delivery;

/// <summary>The operators' delivery report (<see cref="RoutePaths.Report"/>), the same as <c>mitzvah report --json</c>.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Disabled (404) unless <c>SEND_TOKEN</c> is configured; GET only (else 405); the token as for the send route
/// (else 401).</item>
/// <item><c>?date=yyyy-MM-dd</c>, by default today in the send time zone; a bad or out-of-cycle date → 400.</item>
/// <item>200 with <see cref="DeliveryReport.ToJson"/>, not cached.</item>
/// </list>
/// </remarks>
public sealed class ReportEndpoint : IEndpointRoute
{
    private const string DateFormat = "yyyy-MM-dd";
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET" };
    private static readonly Dictionary<string, string> NoStore = new() { ["Cache-Control"] = "no-store" };

    private readonly DeliveryReporter _reporter;
    private readonly StudyClock _clock;
    private readonly SendOptions _options;

    /// <summary>Creates the endpoint.</summary>
    public ReportEndpoint(DeliveryReporter reporter, StudyClock clock, IOptions<SendOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _reporter = reporter;
        _clock = clock;
        _options = options.Value;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.Report];

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(_options.SendToken))
        {
            return EndpointResponse.Error(404, "The delivery report is disabled on this deployment (SEND_TOKEN is not set).");
        }

        if (!string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return EndpointResponse.Error(405, $"{request.Method} is not supported here; use GET.", AllowHeader);
        }

        if (!OperatorToken.Matches(request, _options.SendToken))
        {
            return OperatorToken.Refusal;
        }

        if (!RequestBody.TryParseForm(Encoding.UTF8.GetBytes(request.QueryString.TrimStart('?')), out var query))
        {
            return EndpointResponse.Error(400, "The query string could not be read.");
        }

        var date = _clock.Today();
        if (query.TryGetValue("date", out var raw) && !string.IsNullOrWhiteSpace(raw)
            && !DateOnly.TryParseExact(raw.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return EndpointResponse.Error(400, $"date must be a date like 2026-12-01; '{raw}' is not.");
        }

        try
        {
            var report = await _reporter.ReportAsync(date, cancellationToken).ConfigureAwait(false);
            return EndpointResponse.Text(200, EndpointResponse.Json, report.ToJson(), NoStore);
        }
        catch (StudyDateOutOfRangeException ex)
        {
            return EndpointResponse.Error(400, ex.Message);
        }
    }
}
