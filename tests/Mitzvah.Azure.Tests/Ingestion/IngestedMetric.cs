namespace Mitzvah.Azure.Tests.Ingestion;

/// <summary>One metric point of a <c>MetricData</c> envelope, as the ingestion endpoint received it.</summary>
internal sealed record IngestedMetric
{
    /// <summary>The number of the POST that carried it (0 for the first): one flush, one batch.</summary>
    public required int Batch { get; init; }

    public required string Name { get; init; }

    /// <summary>The aggregate's sum (<c>customMetrics.valueSum</c>).</summary>
    public required double Value { get; init; }

    /// <summary>How many recordings it aggregates (<c>customMetrics.valueCount</c>).</summary>
    public required int Count { get; init; }

    /// <summary>The envelope's <c>iKey</c>.</summary>
    public required string InstrumentationKey { get; init; }

    /// <summary>The tags of the recording (<c>customMetrics.customDimensions</c>).</summary>
    public required IReadOnlyDictionary<string, string> Properties { get; init; }
}
