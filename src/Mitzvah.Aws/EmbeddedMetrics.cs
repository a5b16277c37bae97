using System.Text;
using System.Text.Json;
using Mitzvah.Core.Sending;

namespace Mitzvah.Aws;

/// <summary>
/// A run's <see cref="SendSummary"/> as one CloudWatch Embedded Metric Format line: CloudWatch Logs turns it into
/// metrics (the alarms' failed sends and heartbeat) with no SDK call and no extra permission.
/// </summary>
/// <remarks>
/// <para>
/// The line must reach the log group as a JSON object of its own. With <c>LoggingConfig.LogFormat: JSON</c>, Lambda
/// does not encode again a line its function already wrote as JSON, so a raw JSON line on stdout stays the log event
/// and CloudWatch extracts its metrics. Written through the logger instead, the line would become the string
/// <c>message</c> of a logger record (or carry a text prefix) and no metric would appear: hence
/// <see cref="Write"/> writes the raw line to stdout and flushes it before the invocation reports (the process may be
/// frozen right after).
/// </para>
/// <para>
/// <c>Heartbeat</c> is 1 for every run that served (or would have served) subscribers, rest days included, and 0 for
/// dry runs and test sends, so that a smoke test does not hide a schedule that stopped. <c>MessagingLimitStops</c> is 1
/// for a run that stopped at the sender's messaging limit (its alarm), <c>OutsideWindow</c> the freeform sends to
/// closed 24-hour windows (no template configured). Delivered at least once.
/// </para>
/// <para>
/// The <c>Previous…</c> metrics are the previous send date's final delivery counts (<see cref="SendSummary.Previous"/>):
/// the delivered-ratio alarm watches <c>PreviousDeliveredPercent</c>, which is absent when nothing was accepted.
/// </para>
/// </remarks>
public static class EmbeddedMetrics
{
    /// <summary>The setting that names the metrics' namespace (the stack name on AWS).</summary>
    public const string NamespaceSetting = "MITZVAH_METRICS_NAMESPACE";

    /// <summary>The namespace when <see cref="NamespaceSetting"/> is unset.</summary>
    public const string DefaultNamespace = "Mitzvah";

    /// <summary>The one dimension: the function's name.</summary>
    public const string FunctionDimension = "Function";

    private static readonly (string Name, string Unit, Func<SendSummary, double?> Value)[] Metrics =
    [
        ("Eligible", "Count", s => s.Eligible),
        ("Sent", "Count", s => s.Sent),
        ("AlreadySent", "Count", s => s.AlreadySent),
        ("InProgressElsewhere", "Count", s => s.InProgressElsewhere),
        ("Failed", "Count", s => s.Failed),
        ("OptedOut", "Count", s => s.OptedOut),
        ("Invalid", "Count", s => s.Invalid),
        ("TemplateRequired", "Count", s => s.TemplateRequired),
        ("Remaining", "Count", s => s.Remaining),
        ("OutsideWindow", "Count", s => s.OutsideWindow),
        ("MessagingLimitStops", "Count", s => s.StoppedAtMessagingLimit ? 1 : 0),
        ("DurationMs", "Milliseconds", s => s.DurationMs),
        ("Heartbeat", "Count", s => s.DryRun || s.TestRecipient is not null ? 0 : 1),
        ("PreviousAccepted", "Count", s => s.Previous?.Accepted),
        ("PreviousDelivered", "Count", s => s.Previous?.Delivered),
        ("PreviousRead", "Count", s => s.Previous?.Read),
        ("PreviousFailed", "Count", s => s.Previous?.Failed),
        ("PreviousPending", "Count", s => s.Previous?.Pending),
        ("PreviousDeliveredPercent", "Percent", s => s.Previous?.DeliveredRatio * 100),
    ];

    /// <summary>Renders <paramref name="summary"/> as one EMF JSON line (no line break).</summary>
    /// <param name="summary">The run's summary.</param>
    /// <param name="metricNamespace">The CloudWatch namespace (the stack name).</param>
    /// <param name="functionName">The <see cref="FunctionDimension"/> value (<c>AWS_LAMBDA_FUNCTION_NAME</c>).</param>
    /// <param name="timestamp">When the run ended.</param>
    public static string Render(SendSummary summary, string metricNamespace, string functionName, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricNamespace);
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);

        // A metric without a value (no previous date, nothing accepted) is left out of the declaration too.
        var metrics = Metrics.Select(m => (m.Name, m.Unit, Value: m.Value(summary))).Where(m => m.Value is not null).ToList();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricNamespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue(FunctionDimension);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, unit, _) in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString(FunctionDimension, functionName);
            foreach (var (name, _, value) in metrics)
            {
                json.WriteNumber(name, value!.Value);
            }

            // Not metrics: context for whoever reads the log event.
            json.WriteString("StudyDate", summary.StudyDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteBoolean("DryRun", summary.DryRun);
            json.WriteBoolean("StoppedAtDeadline", summary.StoppedAtDeadline);
            json.WriteBoolean("StoppedAtMessagingLimit", summary.StoppedAtMessagingLimit);
            if (summary.Reason is not null)
            {
                json.WriteString("Reason", summary.Reason);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes <see cref="Render"/>'s line to <paramref name="output"/> (stdout by default) and flushes it.</summary>
    public static void Write(SendSummary summary, string metricNamespace, string functionName, DateTimeOffset timestamp, TextWriter? output = null)
    {
        var writer = output ?? Console.Out;
        writer.WriteLine(Render(summary, metricNamespace, functionName, timestamp));
        writer.Flush();
    }
}
