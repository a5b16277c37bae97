namespace Mitzvah.Core.Sending;

/// <summary>The numbers of a run's <see cref="SendSummary"/> that every host publishes as metrics, in one list.</summary>
/// <remarks>
/// <see cref="Heartbeat"/> is 1 for every run that served (or would have served) the subscribers, rest days and runs
/// before the send hour included, and 0 for dry runs and test sends, so that an operator's smoke test does not hide a
/// schedule that stopped: a "no daily run" alert watches for its absence. <c>MessagingLimitStops</c> is 1 for a run
/// that stopped at the sender's messaging limit (its alarm); <c>OutsideWindow</c> counts freeform sends to closed
/// 24-hour windows (no template configured). The <c>Previous…</c> numbers are the previous send date's delivery as
/// the ledger holds it (<see cref="SendSummary.Previous"/>), for the delivered-ratio alarm on
/// <see cref="PreviousDeliveredPercentName"/>, which is absent when nothing was accepted.
/// </remarks>
public static class SummaryMetrics
{
    /// <summary>The name of the failed-recipients metric (the "failed sends" alert).</summary>
    public const string FailedName = "Failed";

    /// <summary>The name of the heartbeat metric (the "no daily run" alert).</summary>
    public const string HeartbeatName = "Heartbeat";

    /// <summary>The name of the previous send date's delivered share (the "delivered ratio" alarm).</summary>
    public const string PreviousDeliveredPercentName = "PreviousDeliveredPercent";

    /// <summary>Every published number, in a stable order.</summary>
    public static IReadOnlyList<SummaryMetric> All { get; } =
    [
        Count("Eligible", s => s.Eligible),
        Count("Sent", s => s.Sent),
        Count("AlreadySent", s => s.AlreadySent),
        Count("InProgressElsewhere", s => s.InProgressElsewhere),
        Count(FailedName, s => s.Failed),
        Count("OptedOut", s => s.OptedOut),
        Count("Invalid", s => s.Invalid),
        Count("TemplateRequired", s => s.TemplateRequired),
        Count("Remaining", s => s.Remaining),
        Count("OutsideWindow", s => s.OutsideWindow),
        Count("Missed", s => s.Missed),
        Count("Rescheduled", s => s.Rescheduled),
        Count("MessagingLimitStops", s => s.StoppedAtMessagingLimit ? 1 : 0),
        new() { Name = "DurationMs", Unit = SummaryMetricUnit.Milliseconds, Read = s => s.DurationMs },
        Count(HeartbeatName, s => Heartbeat(s)),
        Count("PreviousAccepted", s => s.Previous?.Accepted),
        Count("PreviousDelivered", s => s.Previous?.Delivered),
        Count("PreviousRead", s => s.Previous?.Read),
        Count("PreviousFailed", s => s.Previous?.Failed),
        Count("PreviousPending", s => s.Previous?.Pending),
        new() { Name = PreviousDeliveredPercentName, Unit = SummaryMetricUnit.Percent, Read = s => s.Previous?.DeliveredRatio * 100 },
    ];

    /// <summary>1 for a run of the schedule, 0 for a dry run or a test send.</summary>
    public static long Heartbeat(SendSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.DryRun || summary.TestRecipient is not null ? 0 : 1;
    }

    private static SummaryMetric Count(string name, Func<SendSummary, long?> read) =>
        new() { Name = name, Unit = SummaryMetricUnit.Count, Read = s => read(s) };
}
