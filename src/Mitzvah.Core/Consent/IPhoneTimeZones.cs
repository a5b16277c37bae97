namespace Mitzvah.Core.Consent;

/// <summary>Which time zones a phone number may be in, from its country and area code.</summary>
public interface IPhoneTimeZones
{
    /// <summary>
    /// The IANA zones of the E.164 number <paramref name="phone"/>, most likely first: one for most countries, several
    /// for a large country's number that its area code does not narrow; empty when unknown.
    /// </summary>
    IReadOnlyList<string> ZonesOf(string phone);
}
