namespace Mitzvah.Core.Consent;

/// <summary>A subscriber's current consent, addresses and delivery preferences, as a store holds them.</summary>
/// <remarks>
/// Consent changes (<see cref="ISubscriberStore.RecordConsentAsync"/>) set <see cref="Status"/>, <see cref="Source"/>,
/// <see cref="Evidence"/>, <see cref="UpdatedAt"/> and <see cref="Version"/>; delivery-state changes
/// (<see cref="ISubscriberStore.RecordReachabilityAsync"/>) set <see cref="UnreachableSince"/>,
/// <see cref="UnreachableErrorCode"/>, <see cref="Source"/>, <see cref="Evidence"/>, <see cref="UpdatedAt"/> and
/// <see cref="Version"/> and keep the status; preference changes (<see cref="ISubscriberStore.SetPreferencesAsync"/>)
/// set <see cref="Preferences"/>, <see cref="Source"/>, <see cref="Evidence"/>, <see cref="UpdatedAt"/>,
/// <see cref="Version"/> and keep the status, email changes (<see cref="ISubscriberStore.ChangeEmailAsync"/>) set the
/// address, <see cref="EmailConfirmedAt"/>, <see cref="EmailUndeliverableAt"/> and the same four and keep the status,
/// and inbound messages (<see cref="ISubscriberStore.RecordInboundAsync"/>)
/// <see cref="LastInboundAt"/> only. Each of the first three may set <see cref="NextSendAt"/>
/// (<see cref="ConsentRules"/>); the send tick moves it. None undoes another.
/// </remarks>
public sealed record Subscriber
{
    /// <summary>
    /// The subscriber's key in every store (<see cref="AddressKey"/>): its WhatsApp number in E.164, e.g.
    /// +15551234567, or for a subscriber reached by email only <c>mailto:</c> and its address.
    /// </summary>
    public required string Phone { get; init; }

    /// <summary>Where the subscriber is reached, one address per channel.</summary>
    public required SubscriberAddresses Addresses { get; init; }

    /// <summary>The channel the consent was given on: "whatsapp", or "email" for an email-only subscriber.</summary>
    public required string Channel { get; init; }

    /// <summary>Current consent.</summary>
    public required ConsentStatus Status { get; init; }

    /// <summary>What the consent is for: "daily_mitzvot".</summary>
    public required string Purpose { get; init; }

    /// <summary>Where the latest consent change came from.</summary>
    public required ConsentSource Source { get; init; }

    /// <summary>The latest history entry's evidence (a consent change's, a delivery-state change's or a preference change's).</summary>
    public required ConsentEvidence Evidence { get; init; }

    /// <summary>When the number was first recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the latest history entry was recorded.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>1 for the first history entry, +1 for each later one; equals the number of history entries.</summary>
    public required long Version { get; init; }

    /// <summary>How and when the subscriber wants its messages; by default, all as the operator configured.</summary>
    public DeliveryPreferences Preferences { get; init; } = DeliveryPreferences.OperatorDefaults;

    /// <summary>
    /// When the subscriber last wrote to us (any inbound message), UTC to the millisecond; <see langword="null"/> if
    /// never recorded. WhatsApp's 24-hour window for freeform messages opens at each inbound message. Set only by
    /// <see cref="ISubscriberStore.RecordInboundAsync"/>; consent and preference changes keep it.
    /// </summary>
    public DateTimeOffset? LastInboundAt { get; init; }

    /// <summary>
    /// Since when messages to the number could not be delivered (the channel reported it unreachable on consecutive
    /// send days), or <see langword="null"/>. While set, the daily run leaves the number out; any message from it
    /// clears it.
    /// </summary>
    public DateTimeOffset? UnreachableSince { get; init; }

    /// <summary>The provider's error code that made the number unreachable, with <see cref="UnreachableSince"/>.</summary>
    public string? UnreachableErrorCode { get; init; }

    /// <summary>
    /// When the send tick next looks at the subscriber, UTC to the millisecond; <see langword="null"/> when never
    /// scheduled. A change that makes the number a recipient (joining, a cleared unreachable mark) or changes its
    /// preferences sets it to that change's time, so the next tick works out the real send moment
    /// (<see cref="Sending.SendSchedule.Step"/>); the tick then moves it with <see cref="ISubscriberStore.SetNextSendAtAsync"/>.
    /// Only opted-in, reachable subscribers are listed as due (<see cref="ISubscriberStore.ListDueAsync"/>).
    /// </summary>
    public DateTimeOffset? NextSendAt { get; init; }

    /// <summary>
    /// When a WhatsApp subscriber confirmed <see cref="SubscriberAddresses.Email"/> through the link mailed to it;
    /// <see langword="null"/> while unconfirmed or without an address. (An email-only subscriber's address is
    /// confirmed by its opt-in itself: <see cref="IsEmailConfirmed"/>.)
    /// </summary>
    public DateTimeOffset? EmailConfirmedAt { get; init; }

    /// <summary>Since when the address's server refuses it permanently (an SMTP 5xx for the recipient), or <see langword="null"/>.</summary>
    public DateTimeOffset? EmailUndeliverableAt { get; init; }

    /// <summary>Whether the address is confirmed: by <see cref="EmailConfirmedAt"/>, or for an email-only subscriber by its opt-in.</summary>
    public bool IsEmailConfirmed => Addresses.Email is not null
        && (AddressKey.IsEmail(Phone) ? Status == ConsentStatus.OptedIn : EmailConfirmedAt is not null);

    /// <summary>The address the daily mail may go to: confirmed and not undeliverable; else <see langword="null"/>.</summary>
    public string? DeliverableEmail => IsEmailConfirmed && EmailUndeliverableAt is null ? Addresses.Email : null;

    /// <summary>The channels that apply: the subscriber's choice, else WhatsApp with a number and email without.</summary>
    public DeliveryChannel EffectiveChannel => Preferences.Channel
        ?? (Addresses.WhatsApp is null ? DeliveryChannel.Email : DeliveryChannel.WhatsApp);

    /// <summary>Whether <see cref="UnreachableSince"/> is set.</summary>
    public bool IsUnreachable => UnreachableSince is not null;

    /// <summary>
    /// For <see cref="ConsentStatus.Pending"/>: when the unconfirmed request lapses (<see cref="UpdatedAt"/> +
    /// <see cref="ConsentRules.PendingLifetime"/>); otherwise <see langword="null"/>.
    /// </summary>
    public DateTimeOffset? PendingExpiresAt => Status == ConsentStatus.Pending ? UpdatedAt + ConsentRules.PendingLifetime : null;

    /// <summary>Whether the number is pending and its request has not lapsed at <paramref name="now"/>.</summary>
    public bool IsPendingAt(DateTimeOffset now) => PendingExpiresAt is { } expires && now < expires;
}
