using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.InMemory;

/// <summary>A store that counts what the tick reads: due items returned, and scans (listings, counts) that a tick must never make.</summary>
public sealed class CountingSubscriberStore(ISubscriberStore inner) : ISubscriberStore
{
    private long _dueItems;
    private long _dueCalls;
    private long _scans;
    private long _reschedules;

    public long DueItems => Interlocked.Read(ref _dueItems);

    public long DueCalls => Interlocked.Read(ref _dueCalls);

    /// <summary>Calls of <see cref="ListAsync"/>, <see cref="CountAsync"/> and <see cref="ListUnreachableAsync"/>.</summary>
    public long Scans => Interlocked.Read(ref _scans);

    public long Reschedules => Interlocked.Read(ref _reschedules);

    public string Kind => inner.Kind;

    public Task<Subscriber?> GetAsync(string phone, CancellationToken cancellationToken = default) => inner.GetAsync(phone, cancellationToken);

    public Task<ConsentChangeResult> RecordConsentAsync(ConsentChange change, CancellationToken cancellationToken = default) => inner.RecordConsentAsync(change, cancellationToken);

    public Task<ConsentChangeResult?> RecordReachabilityAsync(ReachabilityChange change, CancellationToken cancellationToken = default) => inner.RecordReachabilityAsync(change, cancellationToken);

    public Task<ConsentChangeResult?> SetPreferencesAsync(PreferenceChange change, CancellationToken cancellationToken = default) => inner.SetPreferencesAsync(change, cancellationToken);

    public Task<ConsentChangeResult?> ChangeEmailAsync(EmailChange change, CancellationToken cancellationToken = default) => inner.ChangeEmailAsync(change, cancellationToken);

    public async Task<SubscriberPage> ListDueAsync(DateTimeOffset at, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        var page = await inner.ListDueAsync(at, continuationToken, pageSize, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _dueCalls);
        Interlocked.Add(ref _dueItems, page.Items.Count);
        return page;
    }

    public Task<bool> SetNextSendAtAsync(string phone, DateTimeOffset? expected, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reschedules);
        return inner.SetNextSendAtAsync(phone, expected, nextSendAt, cancellationToken);
    }

    public Task<bool> RecordInboundAsync(string phone, DateTimeOffset at, CancellationToken cancellationToken = default) => inner.RecordInboundAsync(phone, at, cancellationToken);

    public Task<SubscriberPage> ListAsync(ConsentStatus status, string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _scans);
        return inner.ListAsync(status, continuationToken, pageSize, cancellationToken);
    }

    public Task<long> CountAsync(ConsentStatus status, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _scans);
        return inner.CountAsync(status, cancellationToken);
    }

    public Task<SubscriberPage> ListUnreachableAsync(string? continuationToken, int pageSize, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _scans);
        return inner.ListUnreachableAsync(continuationToken, pageSize, cancellationToken);
    }

    public Task<IReadOnlyList<ConsentHistoryEntry>> GetHistoryAsync(string phone, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(phone, cancellationToken);
}
