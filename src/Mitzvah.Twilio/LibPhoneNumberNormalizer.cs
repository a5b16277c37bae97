using Mitzvah.Core.Consent;
using PhoneNumbers;

namespace Mitzvah.Twilio;

/// <summary>Normalises phone numbers to E.164 with libphonenumber; numbers without a country code are read as US.</summary>
public sealed class LibPhoneNumberNormalizer : IPhoneNumberNormalizer
{
    private const string DefaultRegion = "US";
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <inheritdoc />
    public string? Normalize(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > 64)
        {
            return null;
        }

        try
        {
            var number = Util.Parse(input.Trim(), DefaultRegion);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
