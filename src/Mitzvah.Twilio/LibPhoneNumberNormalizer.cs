using Mitzvah.Core.Consent;
using PhoneNumbers;

namespace Mitzvah.Twilio;

/// <summary>
/// Phone numbers through libphonenumber: normalised to E.164 (numbers without a country code are read as US), and
/// their time zones from its time-zone mapper.
/// </summary>
public sealed class LibPhoneNumberNormalizer : IPhoneNumberNormalizer, IPhoneTimeZones
{
    private const string DefaultRegion = "US";
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper TimeZones = PhoneNumberToTimeZonesMapper.GetInstance();

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

    /// <inheritdoc />
    public IReadOnlyList<string> ZonesOf(string phone)
    {
        E164.ThrowIfInvalid(phone, nameof(phone));
        try
        {
            var number = Util.Parse(phone, DefaultRegion);
            // The mapper answers "Etc/Unknown" for numbers it cannot place, mobile numbers among them; the country's
            // zones (zone.tab, through NodaTime) then stand in, so an Israeli mobile still lands in Asia/Jerusalem.
            var zones = Canonical(TimeZones.GetTimeZonesForNumber(number));
            if (zones.Count == 0 && Util.GetRegionCodeForNumber(number) is { Length: 2 } region)
            {
                zones = Canonical((NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.ZoneLocations ?? [])
                    .Where(place => place.CountryCode == region)
                    .Select(place => place.ZoneId));
            }

            return zones;
        }
        catch (NumberParseException)
        {
            return [];
        }
    }

    // Links name the zone they follow (a UK mobile's Europe/Guernsey, Europe/Jersey and Europe/Isle_of_Man are all
    // Europe/London), so a number's zones are the distinct canonical ones, in the order given.
    private static List<string> Canonical(IEnumerable<string> zones)
    {
        var map = NodaTime.TimeZones.TzdbDateTimeZoneSource.Default.CanonicalIdMap;
        return [.. zones.Select(zone => map.TryGetValue(zone, out var canonical) ? canonical : null).OfType<string>().Distinct(StringComparer.Ordinal)];
    }
}
