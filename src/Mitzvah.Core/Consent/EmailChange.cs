namespace Mitzvah.Core.Consent;

/// <summary>A change of a known subscriber's email address: a history entry that keeps the consent status.</summary>
/// <param name="Phone">The subscriber's key (<see cref="AddressKey"/>).</param>
/// <param name="Kind">What changes.</param>
/// <param name="Address">The address concerned, normalised (<see cref="Mail.EmailAddress.Normalize"/>).</param>
/// <param name="Source">Where the change came from.</param>
/// <param name="Evidence">What proves it (IP, user agent, keyword, SMTP reply); the address is added by the rules.</param>
/// <param name="At">When it was made.</param>
/// <param name="Channel">For <see cref="EmailChangeKind.Link"/>: the channel choice stored with the address, or <see langword="null"/> to keep the current one.</param>
public sealed record EmailChange(
    string Phone,
    EmailChangeKind Kind,
    string Address,
    ConsentSource Source,
    ConsentEvidence Evidence,
    DateTimeOffset At,
    DeliveryChannel? Channel = null);
