namespace Mitzvah.Core.Consent;

/// <summary>
/// One recorded change: a consent change, a delivery-state change (<see cref="IsDeliveryStateChange"/>) or a preference
/// change (<see cref="IsPreferenceChange"/>); the last two keep the status. Entries are append-only and never rewritten.
/// </summary>
/// <param name="Phone">E.164.</param>
/// <param name="Version">The subscriber version this change produced (1, 2, …; no gaps).</param>
/// <param name="Status">The status after the change.</param>
/// <param name="Source">Where the change came from.</param>
/// <param name="Evidence">What proves it.</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record ConsentHistoryEntry(
    string Phone,
    long Version,
    ConsentStatus Status,
    ConsentSource Source,
    ConsentEvidence Evidence,
    DateTimeOffset RecordedAt)
{
    /// <summary>
    /// Whether the entry marked the number unreachable or cleared that mark (<see cref="ConsentEvidence.DeliveryState"/>)
    /// rather than changing its consent; <see cref="Status"/> is then the status it already had.
    /// </summary>
    public bool IsDeliveryStateChange => Evidence.DeliveryState is not null;

    /// <summary>
    /// Whether the entry changed the delivery preferences (<see cref="ConsentEvidence.Preferences"/>) rather than the
    /// consent; <see cref="Status"/> is then the status it already had.
    /// </summary>
    public bool IsPreferenceChange => Evidence.Preferences is not null;

    /// <summary>Whether this entry is an email change (<see cref="ISubscriberStore.ChangeEmailAsync"/>): the status is the one kept.</summary>
    public bool IsEmailChange => Evidence.EmailState is not null;
}
