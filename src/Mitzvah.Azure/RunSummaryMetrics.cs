using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Mitzvah.Core.Sending;
using OpenTelemetry.Metrics;

namespace Mitzvah.Azure;

/// <summary>
/// A run's <see cref="SendSummary"/> as Application Insights custom metrics (<c>customMetrics</c>): one histogram per
/// <see cref="SummaryMetrics.All"/> entry, named as on every host, recorded once per run and tagged with the study date.
/// </summary>
/// <remarks>
/// <para>
/// The Azure Monitor exporter collects and sends every 60 seconds, and a Flex Consumption instance may be scaled in
/// before that: <see cref="Publish"/> therefore forces a collection and export (<c>MeterProvider.ForceFlush</c>, which
/// returns once the exporter has posted the batch) right after recording. The exporter reports deltas, so each flush
/// carries this run alone: one <c>customMetrics</c> row per name, <c>valueSum</c> the run's number.
/// </para>
/// <para>
/// Without <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> no meter provider is registered: the recordings go nowhere and
/// nothing fails. Thread-safe.
/// </para>
/// </remarks>
public sealed class RunSummaryMetrics : IDisposable
{
    /// <summary>The meter the exporter listens to.</summary>
    public const string MeterName = "Mitzvah";

    /// <summary>The tag (a <c>customDimensions</c> entry) holding the run's study date, <c>yyyy-MM-dd</c>.</summary>
    public const string StudyDateTag = "StudyDate";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(15);

    private readonly Meter _meter = new(MeterName);
    private readonly (SummaryMetric Metric, Histogram<double> Instrument)[] _instruments;
    private readonly MeterProvider? _provider;

    /// <summary>Creates the instruments.</summary>
    /// <param name="provider">The exporting meter provider; <see langword="null"/> when there is no connection string.</param>
    public RunSummaryMetrics(MeterProvider? provider = null)
    {
        _provider = provider;
        _instruments =
        [
            .. SummaryMetrics.All.Select(metric => (metric, _meter.CreateHistogram<double>(
                metric.Name,
                metric.Unit switch { SummaryMetricUnit.Milliseconds => "ms", SummaryMetricUnit.Percent => "%", _ => null }))),
        ];
    }

    /// <summary>Records every metric of <paramref name="summary"/> and sends them at once.</summary>
    /// <returns>Whether the export finished within its timeout (always true without a connection string).</returns>
    public bool Publish(SendSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var tags = new TagList { { StudyDateTag, summary.StudyDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) } };
        foreach (var (metric, instrument) in _instruments)
        {
            if (metric.Read(summary) is { } value)
            {
                instrument.Record(value, tags);
            }
        }

        return _provider?.ForceFlush((int)FlushTimeout.TotalMilliseconds) ?? true;
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
