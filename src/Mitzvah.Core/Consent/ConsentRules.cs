namespace Mitzvah.Core.Consent;

/// <summary>
/// Which changes a store writes: the one rule every <see cref="ISubscriberStore"/> applies inside its linearizable
/// change, so that all stores agree. Pure and thread-safe.
/// </summary>
public static class ConsentRules
{
    /// <summary>How long a web opt-in waits for its owner's confirmation: 72 hours.</summary>
    public static TimeSpan PendingLifetime { get; } = TimeSpan.FromHours(72);

    /// <summary>Whether <paramref name="change"/> alters <paramref name="current"/> (and so appends a history entry).</summary>
    /// <remarks>
    /// A change to another status writes, except that <see cref="ConsentStatus.Pending"/> never replaces
    /// <see cref="ConsentStatus.OptedIn"/> (a web opt-in of a subscribed number keeps it subscribed). A change to
    /// the status the number already has writes nothing, except a new <see cref="ConsentStatus.Pending"/> request
    /// once the previous one has lapsed at <see cref="ConsentChange.At"/>: that is a fresh request.
    /// </remarks>
    public static bool Writes(Subscriber? current, ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (current is null)
        {
            return true;
        }

        return (current.Status, change.Status) switch
        {
            (ConsentStatus.OptedIn, ConsentStatus.Pending) => false,
            (ConsentStatus.Pending, ConsentStatus.Pending) => !current.IsPendingAt(change.At),
            var (from, to) => from != to,
        };
    }

    /// <summary>Whether <paramref name="change"/> alters the delivery state of <paramref name="current"/>.</summary>
    /// <remarks>
    /// Only an opted-in number is marked unreachable (nothing is sent to others), and only once; a mark is cleared
    /// only where one is set. An unknown number is never written.
    /// </remarks>
    public static bool Writes(Subscriber? current, ReachabilityChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (current is null)
        {
            return false;
        }

        return change.Unreachable
            ? current.Status == ConsentStatus.OptedIn && !current.IsUnreachable
            : current.IsUnreachable;
    }

    /// <summary>
    /// The subscriber after <paramref name="change"/> as a store writes it: version + 1, the status kept, the
    /// mark set (since <see cref="ReachabilityChange.At"/>) or cleared, and the change's evidence as the latest.
    /// </summary>
    public static Subscriber Apply(Subscriber current, ReachabilityChange change, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        return current with
        {
            Source = ConsentSource.Delivery,
            Evidence = change.ToEvidence(),
            UpdatedAt = storedAt,
            Version = current.Version + 1,
            UnreachableSince = change.Unreachable ? storedAt : null,
            UnreachableErrorCode = change.Unreachable ? change.ErrorCode : null,

            // A cleared mark makes the number a recipient again: the next tick works out when it is due.
            NextSendAt = change.Unreachable ? current.NextSendAt : storedAt,
        };
    }

    /// <summary>Whether <paramref name="change"/> alters the preferences of <paramref name="current"/>; an unknown number is never written.</summary>
    public static bool Writes(Subscriber? current, PreferenceChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return current is not null && current.Preferences != change.Preferences;
    }

    /// <summary>
    /// The subscriber after <paramref name="change"/> as a store writes it: version + 1, the status kept, the new
    /// preferences, the change's evidence (with <see cref="ConsentEvidence.Preferences"/>) as the latest, and
    /// <see cref="Subscriber.NextSendAt"/> at <paramref name="storedAt"/> so that the next tick reschedules it.
    /// </summary>
    public static Subscriber Apply(Subscriber current, PreferenceChange change, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        return current with
        {
            Preferences = change.Preferences,
            Source = change.Source,
            Evidence = change.Evidence with { Preferences = PreferenceNames.Describe(change.Preferences), DeliveryState = null },
            UpdatedAt = storedAt,
            Version = current.Version + 1,
            NextSendAt = storedAt,
        };
    }

    /// <summary>Whether <paramref name="change"/> alters a known subscriber's email state; an unknown key is not recorded.</summary>
    /// <remarks>
    /// Linking writes a new address (not to an email-only subscriber, whose address is its key), a new channel choice,
    /// or the same address again while undeliverable (which clears the mark); confirming, marking undeliverable and removing write only for the subscriber's current address
    /// and only when that state is not already so. An email-only subscriber's address is its key: its confirmation
    /// and removal are consent changes, so those kinds write nothing for it.
    /// </remarks>
    public static bool Writes(Subscriber? current, EmailChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (current is null)
        {
            return false;
        }

        var same = string.Equals(current.Addresses.Email, change.Address, StringComparison.Ordinal);
        var emailKey = AddressKey.IsEmail(current.Phone);
        return change.Kind switch
        {
            // An email-only subscriber's address is its key: it can only be linked again, never replaced.
            EmailChangeKind.Link => (!same && !emailKey) || (same && (current.EmailUndeliverableAt is not null
                || (change.Channel is { } channel && channel != current.Preferences.Channel))),
            EmailChangeKind.Confirm => same && !emailKey && current.EmailConfirmedAt is null,
            EmailChangeKind.Undeliverable => same && current.EmailUndeliverableAt is null,
            EmailChangeKind.Remove => same && !emailKey,
            _ => false,
        };
    }

    /// <summary>The subscriber an email change writes, when <see cref="Writes(Subscriber?, EmailChange)"/> says it writes.</summary>
    /// <remarks>
    /// A history entry of its own that keeps the status; its evidence names the address and the new state
    /// (<see cref="ConsentEvidence.EmailState"/>). Removing the address returns a channel choice that needed it to
    /// WhatsApp. Linking and confirming make the subscriber due at once, so the next tick works out its channels.
    /// </remarks>
    public static Subscriber Apply(Subscriber current, EmailChange change, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(change);
        var updated = current with
        {
            Source = change.Source,
            UpdatedAt = storedAt,
            Version = current.Version + 1,
        };
        var same = string.Equals(current.Addresses.Email, change.Address, StringComparison.Ordinal);
        (updated, var state) = change.Kind switch
        {
            EmailChangeKind.Link => (updated with
            {
                Addresses = current.Addresses with { Email = change.Address },
                EmailConfirmedAt = same ? current.EmailConfirmedAt : null,
                EmailUndeliverableAt = null,
                Preferences = current.Preferences with { Channel = change.Channel ?? current.Preferences.Channel },
                NextSendAt = current.Status == ConsentStatus.OptedIn ? storedAt : current.NextSendAt,
            }, ConsentNames.EmailLinked),
            EmailChangeKind.Confirm => (updated with
            {
                EmailConfirmedAt = storedAt,
                NextSendAt = current.Status == ConsentStatus.OptedIn ? storedAt : current.NextSendAt,
            }, ConsentNames.EmailConfirmed),
            EmailChangeKind.Undeliverable => (updated with { EmailUndeliverableAt = storedAt }, ConsentNames.EmailUndeliverable),
            EmailChangeKind.Remove => (updated with
            {
                Addresses = current.Addresses with { Email = null },
                EmailConfirmedAt = null,
                EmailUndeliverableAt = null,
                Preferences = current.Preferences with { Channel = null },
            }, ConsentNames.EmailRemoved),
            _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, null),
        };

        return updated with
        {
            Evidence = change.Evidence with { Email = change.Address, EmailState = state, DeliveryState = null, Preferences = null },
        };
    }

    /// <summary>
    /// The <see cref="Subscriber.NextSendAt"/> a written consent change leaves: its time when it makes the number
    /// opted in (the next tick works out when it is due), else the one stored.
    /// </summary>
    public static DateTimeOffset? NextSendAtAfter(Subscriber? current, ConsentChange change, DateTimeOffset storedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Status == ConsentStatus.OptedIn ? storedAt : current?.NextSendAt;
    }

    /// <summary>The preferences a written consent change leaves: the known number's own, else the change's, else the operator's.</summary>
    public static DeliveryPreferences PreferencesAfter(Subscriber? current, ConsentChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return current?.Preferences ?? change.Preferences ?? DeliveryPreferences.OperatorDefaults;
    }

    /// <summary>
    /// The delivery state an entry leaves behind, for stores that rebuild a subscriber from its latest entry:
    /// <see langword="null"/> for a consent change (the mark stays as it was).
    /// </summary>
    public static (DateTimeOffset? Since, string? ErrorCode)? DeliveryStateOf(ConsentHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Evidence.DeliveryState switch
        {
            ConsentNames.Unreachable => (entry.RecordedAt, entry.Evidence.ErrorCode),
            ConsentNames.Reachable => (null, null),
            _ => null,
        };
    }
}
