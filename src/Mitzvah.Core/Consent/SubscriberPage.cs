namespace Mitzvah.Core.Consent;

/// <summary>One page of subscribers.</summary>
/// <param name="Items">The subscribers on this page.</param>
/// <param name="ContinuationToken">Pass to get the next page; <see langword="null"/> after the last page.</param>
public sealed record SubscriberPage(IReadOnlyList<Subscriber> Items, string? ContinuationToken);
