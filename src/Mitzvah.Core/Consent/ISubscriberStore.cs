namespace Mitzvah.Core.Consent;

/// <summary>Subscribers and their consent history.</summary>
/// <remarks>
/// <para>
/// Every implementation passes the store contract suite. Keys ("phone" in the API) are <see cref="AddressKey"/>s: an
/// E.164 number, or <c>mailto:</c> and an address for a subscriber reached by email only; every method that takes a
/// phone takes either, and an email key is listed, counted and changed like any other.
/// </para>
/// <para>
/// <see cref="RecordConsentAsync"/> is linearizable per phone: concurrent changes of one phone are applied one after
/// another, each change that alters the status appends exactly one history entry whose version is the subscriber's
/// new version, and a change to the status it already has writes nothing. Status and history never disagree: the
/// latest history entry always holds the subscriber's current status and evidence.
/// </para>
/// <para>
/// Which changes write is decided by <see cref="ConsentRules"/>, the same on every store. Delivery-state changes
/// (<see cref="RecordReachabilityAsync"/>) and preference changes (<see cref="SetPreferencesAsync"/>) are entries of
/// the same history, versioned the same way and linearizable with consent changes; they keep the status. A consent
/// change writes <see cref="ConsentRules.PreferencesAfter"/> and <see cref="ConsentRules.NextSendAtAfter"/>.
/// </para>
/// <para>History is append-only. Implementations are thread-safe.</para>
/// </remarks>
public interface ISubscriberStore
{
    /// <summary>A short name for health output and logs (the adapter's own, e.g. "in-memory").</summary>
    string Kind { get; }

    /// <summary>Returns the subscriber, or <see langword="null"/> for an unknown number.</summary>
    Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default);

    /// <summary>Sets a number's consent, appending a history entry if <see cref="ConsentRules.Writes(Subscriber?, ConsentChange)"/> says it changes.</summary>
    /// <remarks>The delivery state (<see cref="Subscriber.UnreachableSince"/>) is kept as it is.</remarks>
    Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a known number unreachable or clears the mark, appending a delivery-state history entry (status kept)
    /// when <see cref="ConsentRules.Writes(Subscriber?, ReachabilityChange)"/> says it changes.
    /// </summary>
    /// <remarks>
    /// The subscriber written is <see cref="ConsentRules.Apply(Subscriber, ReachabilityChange, DateTimeOffset)"/> of the current one; preferences are kept.
    /// Linearizable with consent and preference changes of the same phone.
    /// </remarks>
    /// <returns>The outcome, or <see langword="null"/> for an unknown number (nothing written).</returns>
    /// <exception cref="ArgumentException">The key is not valid (<see cref="AddressKey"/>); nothing is written.</exception>
    Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default);

    /// <summary>Replaces a known subscriber's delivery preferences, appending a preference-change history entry.</summary>
    /// <remarks>
    /// <para>
    /// Not a consent change: the status stays. When <see cref="ConsentRules.Writes(Subscriber?, PreferenceChange)"/>
    /// says the preferences differ, the subscriber written is <c>ConsentRules.Apply</c>
    /// of the current one (version + 1, evidence with what changed, <see cref="Subscriber.NextSendAt"/> at the change's
    /// time) and one entry is appended; setting the preferences already stored writes nothing. An unknown number is
    /// not recorded.
    /// </para>
    /// <para>Linearizable with consent and delivery-state changes of the same phone: none loses another.</para>
    /// </remarks>
    /// <param name="change">The change; <see cref="DeliveryPreferences.ThrowIfInvalid"/> must accept its preferences.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, or <see langword="null"/> for an unknown number (nothing written).</returns>
    /// <exception cref="ArgumentException">The key is not valid (<see cref="AddressKey"/>) or the preferences are invalid; nothing is written.</exception>
    Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default);

    /// <summary>Changes a known subscriber's email address or its state, appending an email-change history entry.</summary>
    /// <remarks>
    /// <para>
    /// Not a consent change: the status stays. When <see cref="ConsentRules.Writes(Subscriber?, EmailChange)"/> says it
    /// changes, the subscriber written is <c>ConsentRules.Apply</c> of the current one and one entry is appended;
    /// otherwise nothing is written. An unknown key is not recorded.
    /// </para>
    /// <para>Linearizable with consent, delivery-state and preference changes of the same key: none loses another.</para>
    /// </remarks>
    /// <returns>The outcome, or <see langword="null"/> for an unknown key (nothing written).</returns>
    /// <exception cref="ArgumentException">The key is not valid (<see cref="AddressKey"/>) or the address is not a normalised email address; nothing is written.</exception>
    Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns one page of the subscribers due at <paramref name="at"/>: opted in, not unreachable, with
    /// <see cref="Subscriber.NextSendAt"/> at or before it, ordered by that time and then phone.
    /// </summary>
    /// <remarks>
    /// Stores answer from an index of due times, so the call reads the due subscribers and nobody else, whatever the
    /// store's size. The continuation token continues after the page's last (time, phone) pair, so subscribers the
    /// caller moves on (<see cref="SetNextSendAtAsync"/>) between pages are neither skipped nor read twice.
    /// </remarks>
    /// <param name="at">The tick's instant.</param>
    /// <param name="continuationToken"><see langword="null"/> for the first page, else the previous page's token.</param>
    /// <param name="pageSize">At most this many items (1-1000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a subscriber's <see cref="Subscriber.NextSendAt"/> from <paramref name="expected"/> to
    /// <paramref name="nextSendAt"/>, only if it still is <paramref name="expected"/> (compared to the millisecond).
    /// </summary>
    /// <remarks>
    /// Not a history entry: nothing else changes. The condition lets a change that rescheduled the subscriber
    /// meanwhile (a preference change, a new opt-in) win over a tick that read the older time.
    /// </remarks>
    /// <returns>Whether it was written (false: unknown number, or the time was no longer <paramref name="expected"/>).</returns>
    /// <exception cref="ArgumentException">The key is not valid (<see cref="AddressKey"/>); nothing is written.</exception>
    Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="phone"/> sent us a message at <paramref name="at"/>.</summary>
    /// <remarks>
    /// <para>
    /// Sets <see cref="Subscriber.LastInboundAt"/> to <paramref name="at"/> (to the millisecond, UTC) only if that is
    /// later than the stored value or none is stored: it only moves forward, so of concurrent or out-of-order calls the
    /// latest instant stays. An unknown number is not recorded (nothing is created; the caller records consent first).
    /// </para>
    /// <para>
    /// Not a consent change: status, source, evidence, preferences, <see cref="Subscriber.UpdatedAt"/>,
    /// <see cref="Subscriber.Version"/> and the history stay as they are; consent and preference changes in turn keep
    /// the recorded time.
    /// </para>
    /// </remarks>
    /// <param name="phone">The key (<see cref="AddressKey"/>).</param>
    /// <param name="at">When the message arrived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the time was written (false: unknown number, or not later than the stored one).</returns>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is not a valid key (<see cref="AddressKey"/>); nothing is written.</exception>
    Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns one page of subscribers with <paramref name="status"/>, in a stable order. Memory use is bounded by
    /// the page size, whatever the store's size.
    /// </summary>
    /// <remarks>
    /// For <see cref="ConsentStatus.OptedIn"/> the page holds the daily run's recipients only: opted-in numbers that
    /// are not unreachable (<see cref="ListUnreachableAsync"/> lists those). Stores leave them out in the query
    /// where they can (an index of recipients), else as they read the page; the few marked rows cost no extra call.
    /// </remarks>
    /// <param name="status">The status to list.</param>
    /// <param name="continuationToken"><see langword="null"/> for the first page, else the previous page's token.</param>
    /// <param name="pageSize">At most this many items (1-1000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>Counts subscribers with <paramref name="status"/>; for <see cref="ConsentStatus.OptedIn"/>, as listed (unreachable ones left out).</summary>
    Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default);

    /// <summary>Returns one page of the subscribers marked unreachable, whatever their status, in a stable order.</summary>
    /// <param name="continuationToken"><see langword="null"/> for the first page, else the previous page's token.</param>
    /// <param name="pageSize">At most this many items (1-1000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default);

    /// <summary>The number's consent history, oldest first; empty for an unknown number.</summary>
    Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default);
}
