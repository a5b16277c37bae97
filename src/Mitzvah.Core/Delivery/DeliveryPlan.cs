using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Delivery;

/// <summary>What goes out on one date.</summary>
/// <param name="Day">The date itself.</param>
/// <param name="Covers">The days whose study the date's message carries, in order; empty when nothing is sent.</param>
public sealed record DeliveryPlan(CalendarDay Day, IReadOnlyList<CoveredDay> Covers)
{
    /// <summary>The date.</summary>
    public DateOnly Date => Day.Date;

    /// <summary>Whether a message goes out on this date.</summary>
    public bool Send => Covers.Count > 0;
}
