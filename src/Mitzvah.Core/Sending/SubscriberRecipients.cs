using System.Runtime.CompilerServices;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Sending;

/// <summary>The store's opted-in subscribers; refusals from the provider are recorded as consent changes.</summary>
public sealed class SubscriberRecipients : IRecipientSource
{
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
            yield return new Recipient { Phone = subscriber.Phone, LastInboundAt = subscriber.LastInboundAt };
        }
    }

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
