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
    DeliveryChannel? Channel = null)
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> (or <see cref="ArgumentNullException"/>) unless <paramref name="change"/>
    /// can be written: a valid key, a normalised address, evidence, and defined kind, channel and source. Every store
    /// applies it before writing, so that all stores accept and reject the same changes.
    /// </summary>
    public static void ThrowIfInvalid(EmailChange? change, string paramName)
    {
        ArgumentNullException.ThrowIfNull(change, paramName);
        AddressKey.ThrowIfInvalid(change.Phone, paramName);
        AddressKey.ThrowIfInvalidEmail(change.Address, paramName);
        ArgumentNullException.ThrowIfNull(change.Evidence, paramName);
        DeliveryPreferences.ThrowIfInvalid(new DeliveryPreferences { Channel = change.Channel }, paramName);
        if (!Enum.IsDefined(change.Kind) || !Enum.IsDefined(change.Source))
        {
            throw new ArgumentException($"{change.Kind} from {change.Source} is not an email change.", paramName);
        }
    }
}
