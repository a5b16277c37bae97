using Mitzvah.Core.Consent;

namespace Mitzvah.Bench;

/// <summary>A seeded subscriber and the one message the simulated day owes it: its local date, at its send moment.</summary>
internal sealed record PlannedSubscriber
{
    public required string Phone { get; init; }

    public required DeliveryPreferences Preferences { get; init; }

    /// <summary>The local date whose message is due within the day.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Its send moment, the subscriber's <c>NextSendAt</c> before the first tick.</summary>
    public required DateTimeOffset Moment { get; init; }
}
