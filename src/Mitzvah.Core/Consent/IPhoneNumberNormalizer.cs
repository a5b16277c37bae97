namespace Mitzvah.Core.Consent;

/// <summary>Turns what a person typed into an E.164 number.</summary>
public interface IPhoneNumberNormalizer
{
    /// <summary>
    /// Returns the E.164 form of <paramref name="input"/> (numbers without a country code are read in the default
    /// region), or <see langword="null"/> when it is not a valid phone number.
    /// </summary>
    string? Normalize(string? input);
}
