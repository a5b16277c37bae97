using System.Runtime.CompilerServices;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Sending;

/// <summary>The store's opted-in subscribers; refusals from the provider are recorded as consent changes.</summary>
public sealed class SubscriberRecipients : IRecipientSource
{
    private const int PageSize = 500;

    private readonly ISubscriberStore _store;

    /// <summary>Reads recipients from <paramref name="store"/>.</summary>
    public SubscriberRecipients(ISubscriberStore store) => _store = store;

    /// <inheritdoc />
    public string Kind => "subscribers";

    /// <inheritdoc />
    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        _store.CountAsync(ConsentStatus.OptedIn, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<Recipient> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var subscriber in _store.StreamAsync(ConsentStatus.OptedIn, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToRecipient(subscriber);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Recipient> ListDueAsync(DateTimeOffset at, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? token = null;
        do
        {
            var page = await _store.ListDueAsync(at, token, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var subscriber in page.Items)
            {
                yield return ToRecipient(subscriber);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <inheritdoc />
    public Task<bool> RescheduleAsync(Recipient recipient, DateTimeOffset nextSendAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return _store.SetNextSendAtAsync(recipient.Phone, recipient.NextSendAt, nextSendAt, cancellationToken);
    }

    private static Recipient ToRecipient(Subscriber subscriber) => new()
    {
        Phone = subscriber.Phone,
        Email = subscriber.DeliverableEmail,
        Channel = subscriber.EffectiveChannel,
        LastInboundAt = subscriber.LastInboundAt,
        Preferences = subscriber.Preferences,
        NextSendAt = subscriber.NextSendAt,
    };

    /// <inheritdoc />
    public async Task<bool> MarkUnreachableAsync(string phone, SendFailureKind reason, string errorCode, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var status = reason switch
        {
            SendFailureKind.OptedOut => ConsentStatus.OptedOut,
            SendFailureKind.InvalidNumber => ConsentStatus.Invalid,
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Only opt-outs and invalid numbers are recorded."),
        };
        var evidence = new ConsentEvidence(Actor: "daily-send", Note: $"provider error {errorCode}");
        var result = await _store.RecordConsentAsync(new ConsentChange(phone, status, ConsentSource.Delivery, evidence, at), cancellationToken)
            .ConfigureAwait(false);
        return result.Changed;
    }
}
