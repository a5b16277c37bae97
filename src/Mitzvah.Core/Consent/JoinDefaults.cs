using Mitzvah.Core.Calendar;

namespace Mitzvah.Core.Consent;

/// <summary>The delivery preferences a number starts with when it joins, guessed from the number itself.</summary>
/// <remarks>
/// The zone is the number's zone; where a number has several, the operator's zone if it is one of them (a Chicago
/// operator's US subscribers), else the first. Israeli numbers (+972) keep the Israeli festival calendar, all others
/// the diaspora's. The send time stays the operator's. A subscriber changes any of them later with a keyword.
/// </remarks>
public static class JoinDefaults
{
    private const string IsraeliCallingCode = "+972";

    /// <summary>The preferences of <paramref name="phone"/> (E.164), whose possible zones are <paramref name="zones"/>.</summary>
    public static DeliveryPreferences For(string phone, IReadOnlyList<string> zones, ScheduleOptions operatorDefaults)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ArgumentNullException.ThrowIfNull(operatorDefaults);
        var zone = zones.Count switch
        {
            0 => null,
            1 => zones[0],
            _ => zones.Contains(operatorDefaults.TimeZone, StringComparer.Ordinal) ? operatorDefaults.TimeZone : zones[0],
        };
        return new DeliveryPreferences
        {
            TimeZone = zone,
            Calendar = E164.CountryCallingCode(phone) == IsraeliCallingCode ? FestivalCalendar.Israel : FestivalCalendar.Diaspora,
        };
    }
}
