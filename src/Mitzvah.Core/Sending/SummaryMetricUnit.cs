namespace Mitzvah.Core.Sending;

/// <summary>The unit of a <see cref="SummaryMetric"/>.</summary>
public enum SummaryMetricUnit
{
    /// <summary>A number of recipients or runs.</summary>
    Count,

    /// <summary>A duration in milliseconds.</summary>
    Milliseconds,

    /// <summary>A share from 0 to 100.</summary>
    Percent,
}
