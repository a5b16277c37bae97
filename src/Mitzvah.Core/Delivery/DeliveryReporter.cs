using Mitzvah.Core.Study;

namespace Mitzvah.Core.Delivery;

/// <summary>Builds <see cref="DeliveryReport"/>s from the delivery ledger, for the report command, its route and the run summary.</summary>
/// <remarks>A report reads one study date's ledger items (a query by date, never a scan). Thread-safe.</remarks>
public sealed class DeliveryReporter
{
    private readonly DeliveryPlanner _planner;
    private readonly IDeliveryLedger _ledger;

    /// <summary>Creates the reporter.</summary>
    public DeliveryReporter(DeliveryPlanner planner, IDeliveryLedger ledger)
    {
        _planner = planner;
        _ledger = ledger;
    }

    /// <summary>
    /// Reports <paramref name="date"/>: its own messages, or for a rest day those of the earlier message that carried it.
    /// </summary>
    /// <exception cref="StudyDateOutOfRangeException">The date is outside the study cycle.</exception>
    public async Task<DeliveryReport> ReportAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        var carriedBy = _planner.PlanCarrying(date).Date;
        var records = await _ledger.ListAsync(carriedBy, cancellationToken).ConfigureAwait(false);
        return DeliveryReport.From(date, carriedBy, records);
    }

    /// <summary>
    /// Reports the latest date before <paramref name="date"/> whose message went out: by the time of
    /// <paramref name="date"/>'s run its statuses are final or nearly so. <see langword="null"/> when that date is
    /// before the study cycle.
    /// </summary>
    public async Task<DeliveryReport?> ReportPreviousAsync(DateOnly date, CancellationToken cancellationToken = default)
    {
        DateOnly previous;
        try
        {
            previous = _planner.PlanCarrying(date.AddDays(-1)).Date;
        }
        catch (StudyDateOutOfRangeException)
        {
            return null;
        }

        var records = await _ledger.ListAsync(previous, cancellationToken).ConfigureAwait(false);
        return DeliveryReport.From(previous, previous, records);
    }
}
