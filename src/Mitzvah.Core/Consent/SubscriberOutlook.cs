namespace Mitzvah.Core.Consent;

/// <summary>What a subscriber's replies say about its messages: the settings that apply and when the next one comes.</summary>
internal sealed record SubscriberOutlook
{
    /// <summary>The settings that apply.</summary>
    public required EffectiveDeliveryPreferences Preferences { get; init; }

    /// <summary>The next message's study date and moment, or <see langword="null"/> when none is ahead.</summary>
    public (DateOnly Date, DateTimeOffset At)? Next { get; init; }

    /// <summary>When the number last became subscribed (its latest consent change).</summary>
    public DateTimeOffset SubscribedSince { get; init; }
}
