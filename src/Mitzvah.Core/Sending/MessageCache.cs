using System.Collections.Concurrent;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>The messages of one run, composed once per (study date, calendar). Thread-safe.</summary>
internal sealed class MessageCache
{
    private readonly DeliveryPlanner _planner;
    private readonly DailyMessageComposer _composer;
    private readonly ConcurrentDictionary<(DateOnly Date, FestivalCalendar Calendar), DailyMessage?> _messages = new();

    public MessageCache(DeliveryPlanner planner, DailyMessageComposer composer)
    {
        _planner = planner;
        _composer = composer;
    }

    /// <summary>The message of <paramref name="date"/> in <paramref name="calendar"/>, or <see langword="null"/> on its rest days.</summary>
    public DailyMessage? For(DateOnly date, FestivalCalendar calendar) =>
        _messages.GetOrAdd((date, calendar), static (key, self) =>
        {
            var plan = self._planner.Plan(key.Date, key.Calendar);
            return plan.Send ? self._composer.Compose(plan) : null;
        }, this);
}
