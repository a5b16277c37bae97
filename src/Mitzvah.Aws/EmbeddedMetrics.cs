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
/// The metrics are <see cref="SummaryMetrics.All"/> (the same names on every host; <c>Heartbeat</c> is 0 for dry runs
/// and test sends). Delivered at least once.
/// </para>
/// <para>
/// A metric without a value in the summary (no previous date, or nothing accepted on it) is left out of the line,
/// declaration included, as EMF requires every declared metric to have a value.
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
        var present = SummaryMetrics.All.Select(metric => (Metric: metric, Value: metric.Read(summary))).Where(m => m.Value is not null).ToList();
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
            foreach (var (metric, _) in present)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                // CloudWatch's unit names are the Core unit's names.
                json.WriteString("Unit", metric.Unit.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString(FunctionDimension, functionName);
            foreach (var (metric, value) in present)
            {
                json.WriteNumber(metric.Name, value!.Value);
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
