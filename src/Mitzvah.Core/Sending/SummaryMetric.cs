namespace Mitzvah.Core.Sending;

/// <summary>One number of a run's <see cref="SendSummary"/> that the hosts publish as a metric.</summary>
public sealed record SummaryMetric
{
    /// <summary>The metric's name, the same on every host (e.g. <c>Sent</c>); alerts name it.</summary>
    public required string Name { get; init; }

    /// <summary>What the number counts.</summary>
    public required SummaryMetricUnit Unit { get; init; }

    /// <summary>Reads the number from a summary; <see langword="null"/> when the summary has none (then nothing is published).</summary>
    public required Func<SendSummary, double?> Read { get; init; }
}
