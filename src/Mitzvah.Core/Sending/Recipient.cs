using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Sending;

/// <summary>One recipient of the daily message, as <see cref="IRecipientSource"/> lists it.</summary>
public sealed record Recipient
{
    /// <summary>The recipient's key (<see cref="AddressKey"/>): its WhatsApp number in E.164, or an email-only subscriber's mailto key.</summary>
    public required string Phone { get; init; }

    /// <summary>The confirmed, deliverable address the daily mail may go to (<see cref="Subscriber.DeliverableEmail"/>), or <see langword="null"/>.</summary>
    public string? Email { get; init; }

    /// <summary>The channels that apply (<see cref="Subscriber.EffectiveChannel"/>); WhatsApp for a listed number.</summary>
    public DeliveryChannel Channel { get; init; } = DeliveryChannel.WhatsApp;

    /// <summary>
    /// When the recipient last wrote to us, which opens WhatsApp's 24-hour window; <see langword="null"/> when never,
    /// or when the source cannot know (a fixed list).
    /// </summary>
    public DateTimeOffset? LastInboundAt { get; init; }

    /// <summary>The recipient's own clock and calendar; a fixed list's recipients have the operator's.</summary>
    public DeliveryPreferences Preferences { get; init; } = DeliveryPreferences.OperatorDefaults;

    /// <summary>
    /// When the recipient was due, as listed (<see cref="Subscriber.NextSendAt"/>); <see langword="null"/> for a
    /// source that keeps no schedule (a fixed list): such recipients follow the operator's clock every tick.
    /// </summary>
    public DateTimeOffset? NextSendAt { get; init; }
}
