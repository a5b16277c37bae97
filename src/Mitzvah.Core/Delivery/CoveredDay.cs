using Mitzvah.Core.Calendar;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Delivery;

/// <summary>A day whose study a message carries.</summary>
/// <param name="Calendar">Its civil and Hebrew date, and rest reason.</param>
/// <param name="Study">Its place in the cycle.</param>
public sealed record CoveredDay(CalendarDay Calendar, StudyDay Study)
{
    /// <summary>The civil date.</summary>
    public DateOnly Date => Calendar.Date;
}
