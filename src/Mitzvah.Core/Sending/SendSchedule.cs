using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Study;
using NodaTime;

namespace Mitzvah.Core.Sending;

/// <summary>Each subscriber's own clock: which local date's message is due, and when it goes out.</summary>
/// <remarks>
/// <para>
/// A subscriber's message of a local date goes out at its send moment (<see cref="SendMoment"/>: the send time, early
/// enough before Shabbat and Yom Tov of its calendar) on dates that send in its calendar and are not paused, and may
/// still go out until the date's <see cref="LatestFor">latest</see> moment: the end of that local day, or candle
/// lighting when a rest day begins that evening. After that it is missed, never sent late.
/// </para>
/// <para>Pure and thread-safe.</para>
/// </remarks>
public sealed class SendSchedule
{
    /// <summary>How often every host runs the tick.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMinutes(15);

    /// <summary>The next send time of a subscriber with no send date ahead (paused until RESUME): only a change reschedules it.</summary>
    public static readonly DateTimeOffset Never = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    private readonly DeliveryPlanner _planner;
    private readonly ScheduleOptions _options;

    /// <summary>Creates the schedule over a planner and the operator's defaults.</summary>
    public SendSchedule(DeliveryPlanner planner, IOptions<ScheduleOptions> options)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(options);
        _planner = planner;
        _options = options.Value;
    }

    /// <summary>The preferences that apply to <paramref name="subscriber"/>.</summary>
    public EffectiveDeliveryPreferences PreferencesOf(Subscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        return subscriber.Preferences.Resolve(_options);
    }

    /// <summary>
    /// Whether the tick at <paramref name="at"/> is the operator's daily one: the first tick from the operator's own
    /// send moment of the day (in <see cref="ScheduleOptions.TimeZone"/> at <see cref="ScheduleOptions.SendTime"/>).
    /// Daily figures (the previous day's delivery report) go with it.
    /// </summary>
    public bool IsOperatorsDailyTick(DateTimeOffset at)
    {
        var operatorDefaults = DeliveryPreferences.OperatorDefaults.Resolve(_options);
        var moment = MomentOf(LocalDate(operatorDefaults.TimeZone, at), operatorDefaults);
        return at >= moment && at < moment + TickInterval;
    }

    /// <summary>The date in <paramref name="zoneId"/> at <paramref name="at"/>: a subscriber's local date.</summary>
    public static DateOnly LocalDate(string zoneId, DateTimeOffset at) => StudyClock.DateIn(zoneId, at);

    /// <summary>Whether a message goes out on <paramref name="date"/> for <paramref name="preferences"/>: not a rest day of its calendar, not paused.</summary>
    public bool Sends(DateOnly date, EffectiveDeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return date >= StudyCycle.FirstDate && date <= StudyCycle.LastDate
            && !preferences.IsPausedOn(date) && _planner.Plan(date, preferences.Calendar).Send;
    }

    /// <summary>When the message of <paramref name="date"/> goes out for <paramref name="preferences"/>.</summary>
    public DateTimeOffset MomentOf(DateOnly date, EffectiveDeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return SendMoment.For(date, preferences.SendTime, preferences.TimeZone, _planner.RestDayBegins(date, preferences.Calendar));
    }

    /// <summary>
    /// Until when the message of <paramref name="date"/> may still go out: candle lighting when a rest day begins that
    /// evening (where it can be computed), else the end of the local day.
    /// </summary>
    public DateTimeOffset LatestFor(DateOnly date, EffectiveDeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        if (_planner.RestDayBegins(date, preferences.Calendar) && CandleLighting.On(date, preferences.TimeZone) is { } candles)
        {
            return candles;
        }

        var next = date.AddDays(1);
        return DateTimeZoneProviders.Tzdb[preferences.TimeZone].AtStartOfDay(new LocalDate(next.Year, next.Month, next.Day)).ToDateTimeOffset();
    }

    /// <summary>The first date on or after <paramref name="from"/> whose message goes out, or <see langword="null"/> when none is ahead.</summary>
    public DateOnly? FirstSendDate(DateOnly from, EffectiveDeliveryPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        if (preferences.PausedUntil is { } until && until > from)
        {
            from = until;
        }

        // Rest days come at most three in a row, so a send date is found within days unless the cycle ends.
        for (var date = from; date <= StudyCycle.LastDate && date <= from.AddDays(7); date = date.AddDays(1))
        {
            if (Sends(date, preferences))
            {
                return date;
            }
        }

        return null;
    }

    /// <summary>The send moment of the first send date on or after <paramref name="from"/>, or <see cref="Never"/>.</summary>
    public DateTimeOffset NextMomentFrom(DateOnly from, EffectiveDeliveryPreferences preferences) =>
        FirstSendDate(from, preferences) is { } date ? MomentOf(date, preferences) : Never;

    /// <summary>
    /// When the next message goes out for <paramref name="preferences"/> as of <paramref name="now"/>: today's moment
    /// if today sends and its latest moment is ahead (at once if the moment has passed, unless
    /// <paramref name="servedToday"/>), else the next send date's; <see langword="null"/> when none is ahead.
    /// </summary>
    public (DateOnly Date, DateTimeOffset At)? NextMessage(EffectiveDeliveryPreferences preferences, DateTimeOffset now, bool servedToday = false)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var today = LocalDate(preferences.TimeZone, now);
        if (!servedToday && Sends(today, preferences) && now < LatestFor(today, preferences))
        {
            var moment = MomentOf(today, preferences);
            return (today, moment > now ? moment : now);
        }

        return FirstSendDate(today.AddDays(1), preferences) is { } date ? (date, MomentOf(date, preferences)) : null;
    }

    /// <summary>
    /// What the tick at <paramref name="at"/> does with a recipient due since <paramref name="nextSendAt"/> (at or
    /// before <paramref name="at"/>; <see langword="null"/> for one without a schedule, which is looked at every tick).
    /// </summary>
    public TickStep Step(DeliveryPreferences chosen, DateTimeOffset? nextSendAt, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        var preferences = chosen.Resolve(_options);
        var today = LocalDate(preferences.TimeZone, at);
        var dueDate = LocalDate(preferences.TimeZone, nextSendAt ?? at);

        // A due date before today is over: its message, if it had one, is missed. The tick then looks at today.
        var missed = new List<DateOnly>(2);
        if (dueDate < today && Sends(dueDate, preferences))
        {
            missed.Add(dueDate);
        }

        var date = dueDate > today ? dueDate : today;
        if (!Sends(date, preferences))
        {
            return new TickStep(preferences, null, missed, NextMomentFrom(date.AddDays(1), preferences));
        }

        var moment = MomentOf(date, preferences);
        if (at < moment)
        {
            return new TickStep(preferences, null, missed, moment);
        }

        if (at >= LatestFor(date, preferences))
        {
            // Too late for this date's message: missed, never sent on the rest day or the next morning.
            missed.Add(date);
            return new TickStep(preferences, null, missed, NextMomentFrom(date.AddDays(1), preferences));
        }

        return new TickStep(preferences, date, missed, NextMomentFrom(date.AddDays(1), preferences));
    }
}

/// <summary>What a tick does with one due subscriber, as <see cref="SendSchedule.Step"/> decides.</summary>
/// <param name="Preferences">The preferences that apply.</param>
/// <param name="Serve">The local study date whose message goes out now, or <see langword="null"/> for none.</param>
/// <param name="Missed">Dates whose message can no longer go out (their day or send window ended), oldest first.</param>
/// <param name="Next">When the subscriber is due next once this step is done (after serving, the next send date's moment).</param>
public sealed record TickStep(EffectiveDeliveryPreferences Preferences, DateOnly? Serve, IReadOnlyList<DateOnly> Missed, DateTimeOffset Next);
