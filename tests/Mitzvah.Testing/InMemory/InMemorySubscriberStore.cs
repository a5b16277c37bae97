using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.InMemory;

/// <summary>Subscribers and their consent history in memory, for unit tests of the services that use a store.</summary>
/// <remarks>
/// <para>
/// Passes the store contract suite, so it behaves as the persistent stores do: keys are checked as <see cref="AddressKey"/>s, pages
/// are in phone order with a <see cref="PhoneCursor"/> token, and timestamps keep their instant to the millisecond in
/// UTC (finer fractions are dropped, as every store drops them).
/// </para>
/// <para>
/// Thread-safe: every operation runs under one lock, which makes consent changes linearizable per phone (and across
/// phones). Nothing is shared between instances.
/// </para>
/// </remarks>
public sealed class InMemorySubscriberStore : ISubscriberStore
{
    private const int MaxPageSize = 1000;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ConsentHistoryEntry>> _history = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Kind => "in-memory";

    /// <inheritdoc />
    public Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_subscribers.GetValueOrDefault(phone));
        }
    }

    /// <inheritdoc />
    public Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        cancellationToken.ThrowIfCancellationRequested();
        var at = ToStoredTime(change.At);

        lock (_gate)
        {
            var current = _subscribers.GetValueOrDefault(change.Phone);
            if (current is not null && !ConsentRules.Writes(current, change with { At = at }))
            {
                return Task.FromResult(new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status));
            }

            var updated = NewSubscriber(change, current?.Addresses.Email, current?.CreatedAt ?? at, at, (current?.Version ?? 0) + 1, ConsentRules.PreferencesAfter(current, change)) with
            {
                NextSendAt = ConsentRules.NextSendAtAfter(current, change, at),
                LastInboundAt = current?.LastInboundAt,
                UnreachableSince = current?.UnreachableSince,
                UnreachableErrorCode = current?.UnreachableErrorCode,
                EmailConfirmedAt = current?.EmailConfirmedAt,
                EmailUndeliverableAt = current?.EmailUndeliverableAt,
            };
            _subscribers[change.Phone] = updated;
            if (!_history.TryGetValue(change.Phone, out var entries))
            {
                entries = [];
                _history[change.Phone] = entries;
            }

            entries.Add(new ConsentHistoryEntry(change.Phone, updated.Version, change.Status, change.Source, change.Evidence, at));
            return Task.FromResult(new ConsentChangeResult(updated, Changed: true, PreviousStatus: current?.Status));
        }
    }

    /// <inheritdoc />
    public Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ChangeKnown(change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at)));
    }

    /// <inheritdoc />
    public Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = PhoneCursor.After(continuationToken);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var fetched = _subscribers.Values
                .Where(subscriber => subscriber.IsUnreachable && string.CompareOrdinal(subscriber.Phone, after) > 0)
                .Take(pageSize + 1)
                .ToList();
            return Task.FromResult(PhoneCursor.ToPage(fetched, pageSize));
        }
    }

    /// <inheritdoc />
    /// <remarks>Pages are ordered by phone; the continuation token is the last phone of the page (<see cref="PhoneCursor"/>).</remarks>
    public Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = PhoneCursor.After(continuationToken);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            // One more than asked tells whether another page follows.
            var fetched = _subscribers.Values
                .Where(subscriber => Listed(subscriber, status) && string.CompareOrdinal(subscriber.Phone, after) > 0)
                .Take(pageSize + 1)
                .ToList();
            return Task.FromResult(PhoneCursor.ToPage(fetched, pageSize));
        }
    }

    /// <inheritdoc />
    public Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult((long)_subscribers.Values.Count(subscriber => Listed(subscriber, status)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            IReadOnlyList<ConsentHistoryEntry> entries = _history.TryGetValue(phone, out var list) ? [.. list] : [];
            return Task.FromResult(entries);
        }
    }

    /// <inheritdoc />
    public Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        AddressKey.ThrowIfInvalid(change.Phone, nameof(change));
        DeliveryPreferences.ThrowIfInvalid(change.Preferences, nameof(change));
        ArgumentNullException.ThrowIfNull(change.Evidence, nameof(change));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ChangeKnown(change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at)));
    }

    /// <inheritdoc />
    public Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default)
    {
        EmailChange.ThrowIfInvalid(change, nameof(change));
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(ChangeKnown(change.Phone, change.At, current => ConsentRules.Writes(current, change), (current, at) => ConsentRules.Apply(current, change, at)));
    }

    /// <inheritdoc />
    public Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var after = DueCursor.After(continuationToken);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var fetched = _subscribers.Values
                .Where(subscriber => Listed(subscriber, ConsentStatus.OptedIn) && subscriber.NextSendAt <= at && DueCursor.IsAfter(subscriber, after))
                .OrderBy(subscriber => subscriber.NextSendAt)
                .ThenBy(subscriber => subscriber.Phone, StringComparer.Ordinal)
                .Take(pageSize + 1)
                .ToList();
            return Task.FromResult(DueCursor.ToPage(fetched, pageSize));
        }
    }

    /// <inheritdoc />
    public Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        cancellationToken.ThrowIfCancellationRequested();
        var expectedStored = expected is { } value ? ToStoredTime(value) : (DateTimeOffset?)null;
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(phone, out var current) || current.NextSendAt != expectedStored)
            {
                return Task.FromResult(false);
            }

            _subscribers[phone] = current with { NextSendAt = ToStoredTime(nextSendAt) };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        AddressKey.ThrowIfInvalid(phone, nameof(phone));
        cancellationToken.ThrowIfCancellationRequested();
        var stored = ToStoredTime(at);
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(phone, out var current) || current.LastInboundAt >= stored)
            {
                return Task.FromResult(false);
            }

            _subscribers[phone] = current with { LastInboundAt = stored };
            return Task.FromResult(true);
        }
    }

    // Opted-in listings are the daily run's recipients: unreachable numbers are left out.
    private static bool Listed(Subscriber subscriber, ConsentStatus status) =>
        subscriber.Status == status && !(status == ConsentStatus.OptedIn && subscriber.IsUnreachable);

    /// <summary>A change of a known subscriber that keeps its status, with its history entry, under the lock.</summary>
    private ConsentChangeResult? ChangeKnown(string phone, DateTimeOffset changeAt, Func<Subscriber, bool> writes, Func<Subscriber, DateTimeOffset, Subscriber> apply)
    {
        var at = ToStoredTime(changeAt);
        lock (_gate)
        {
            if (!_subscribers.TryGetValue(phone, out var current))
            {
                return null;
            }

            if (!writes(current))
            {
                return new ConsentChangeResult(current, Changed: false, PreviousStatus: current.Status);
            }

            var updated = apply(current, at);
            _subscribers[phone] = updated;
            _history[phone].Add(new ConsentHistoryEntry(phone, updated.Version, updated.Status, updated.Source, updated.Evidence, at));
            return new ConsentChangeResult(updated, Changed: true, PreviousStatus: current.Status);
        }
    }

    /// <summary>The one place a <see cref="Subscriber"/> is built.</summary>
    private static Subscriber NewSubscriber(
        ConsentChange change, string? storedEmail, DateTimeOffset createdAt, DateTimeOffset updatedAt, long version, DeliveryPreferences preferences) => new()
    {
        Phone = change.Phone,
        Addresses = SubscriberAddresses.ForKey(change.Phone, storedEmail),
        Channel = AddressKey.ConsentChannelOf(change.Phone),
        Status = change.Status,
        Purpose = ConsentNames.DailyMitzvotPurpose,
        Source = change.Source,
        Evidence = change.Evidence,
        CreatedAt = createdAt,
        UpdatedAt = updatedAt,
        Version = version,
        Preferences = preferences,
    };

    private static DateTimeOffset ToStoredTime(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
