using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Delivery;

/// <summary>Decides whether a date gets a message and which days' study it carries.</summary>
/// <remarks>
/// With <see cref="ScheduleOptions.SkipRestDays"/> on, nothing goes out on Shabbat or Yom Tov and the last working
/// day before them carries each following rest day (Friday carries Friday and Shabbat; before a two-day Yom Tov that
/// runs into Shabbat, four days). With it off, every date carries itself. Pure and thread-safe.
/// </remarks>
public sealed class DeliveryPlanner
{
    private readonly StudyCycle _cycle;
    private readonly ScheduleOptions _options;

    /// <summary>Creates a planner over a cycle and schedule options.</summary>
    public DeliveryPlanner(StudyCycle cycle, IOptions<ScheduleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        ArgumentNullException.ThrowIfNull(options);
        _cycle = cycle;
        _options = options.Value;
    }

    /// <summary>Plans <paramref name="date"/> in <paramref name="calendar"/> (default: the operator's).</summary>
    /// <exception cref="StudyDateOutOfRangeException">The date is outside the supported range.</exception>
    public DeliveryPlan Plan(DateOnly date, FestivalCalendar? calendar = null)
    {
        StudyCycle.EnsureSupported(date);
        var inIsrael = InIsrael(calendar);
        var day = JewishCalendar.Describe(date, inIsrael);
        if (!_options.SkipRestDays)
        {
            return new DeliveryPlan(day, [Cover(day)]);
        }

        if (day.IsRestDay)
        {
            return new DeliveryPlan(day, []);
        }

        var covers = new List<CoveredDay> { Cover(day) };
        for (var next = date.AddDays(1); next <= StudyCycle.LastDate; next = next.AddDays(1))
        {
            var following = JewishCalendar.Describe(next, inIsrael);
            if (!following.IsRestDay)
            {
                break;
            }

            covers.Add(Cover(following));
        }

        return new DeliveryPlan(day, covers);
    }

    /// <summary>
    /// The plan of the message that carries <paramref name="date"/>'s study: the date's own plan when a message goes
    /// out on it, else that of the latest earlier date that sends (the message before a rest day carries it).
    /// </summary>
    /// <exception cref="StudyDateOutOfRangeException">The date is outside the supported range.</exception>
    public DeliveryPlan PlanCarrying(DateOnly date, FestivalCalendar? calendar = null)
    {
        var plan = Plan(date, calendar);
        // Rest days come at most three in a row and the first supported date is a Sunday, so this stops within days.
        for (var earlier = date.AddDays(-1); !plan.Send; earlier = earlier.AddDays(-1))
        {
            plan = Plan(earlier, calendar);
        }

        return plan;
    }

    /// <summary>
    /// Whether Shabbat or Yom Tov begins on the evening of <paramref name="date"/> in <paramref name="calendar"/>, so
    /// that the date's message must arrive before candle lighting; always false with rest days not skipped.
    /// </summary>
    public bool RestDayBegins(DateOnly date, FestivalCalendar calendar) =>
        _options.SkipRestDays && date < StudyCycle.LastDate && JewishCalendar.Describe(date.AddDays(1), InIsrael(calendar)).IsRestDay;

    private bool InIsrael(FestivalCalendar? calendar) => calendar is { } chosen ? chosen == FestivalCalendar.Israel : _options.InIsrael;

    private CoveredDay Cover(CalendarDay day) => new(day, _cycle.GetDay(day.Date));
}
