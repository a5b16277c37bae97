namespace Mitzvah.Core.Consent;

/// <summary>The outcome of <see cref="ISubscriberStore.RecordConsentAsync"/>.</summary>
/// <param name="Subscriber">The subscriber after the call.</param>
/// <param name="Changed">False when the status already was the wanted one: nothing was written.</param>
/// <param name="PreviousStatus">The status before the call; <see langword="null"/> for a new number.</param>
public sealed record ConsentChangeResult(Subscriber Subscriber, bool Changed, ConsentStatus? PreviousStatus);
