using System.Runtime.CompilerServices;

namespace Mitzvah.Core.Consent;

/// <summary>Streaming over a store's pages.</summary>
public static class SubscriberStoreExtensions
{
    /// <summary>Streams every subscriber with <paramref name="status"/>, one page in memory at a time.</summary>
    public static async IAsyncEnumerable<Subscriber> StreamAsync(
        this ISubscriberStore store,
        ConsentStatus status,
        int pageSize = 500,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? token = null;
        do
        {
            var page = await store.ListAsync(status, token, pageSize, cancellationToken).ConfigureAwait(false);
            foreach (var subscriber in page.Items)
            {
                yield return subscriber;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
