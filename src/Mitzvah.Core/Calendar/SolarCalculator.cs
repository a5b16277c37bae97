namespace Mitzvah.Core.Calendar;

/// <summary>Sunset from NOAA's solar-position equations, for the latest moment a message may go out before Shabbat or Yom Tov.</summary>
/// <remarks>
/// <para>
/// Written here because no sunset or zmanim package is available to the build. It follows the NOAA Global Monitoring
/// Division's solar calculator (the equations of its spreadsheet, after Meeus, "Astronomical Algorithms"): the sun's
/// declination and the equation of time from the Julian century, then the hour angle at which the sun's centre is
/// 0.833° below the horizon (refraction plus the sun's radius). It is accurate to about a minute between the polar
/// circles, which the tests check against an independent implementation over a year of Fridays in many zones.
/// </para>
/// <para>Pure and thread-safe. Latitude north and longitude east are positive.</para>
/// </remarks>
public static class SolarCalculator
{
    private const double Zenith = 90.833;

    /// <summary>
    /// The sunset of the day <paramref name="date"/> at the place, in UTC; <see langword="null"/> when the sun does not
    /// set that day there (midnight sun or polar night).
    /// </summary>
    /// <param name="date">The place's civil date: the sunset nearest that date's local solar noon.</param>
    /// <param name="latitude">Degrees, −90 to 90.</param>
    /// <param name="longitude">Degrees, −180 to 180.</param>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is out of range.</exception>
    public static DateTimeOffset? Sunset(DateOnly date, double latitude, double longitude)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(latitude), 90, nameof(latitude));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Math.Abs(longitude), 180, nameof(longitude));

        var midnight = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        // First at solar noon, then once more at the sunset found: the sun's position moves enough in six hours to
        // shift the result by up to a minute.
        var minutes = 720 - (4 * longitude);
        for (var pass = 0; pass < 2; pass++)
        {
            var (declination, equationOfTime) = SunAt(JulianCentury(midnight.AddMinutes(minutes)));
            if (HourAngle(latitude, declination) is not { } hourAngle)
            {
                return null;
            }

            minutes = 720 - (4 * longitude) - equationOfTime + (4 * hourAngle);
        }

        return midnight.AddTicks((long)Math.Round(minutes * TimeSpan.TicksPerMinute));
    }

    private static double JulianCentury(DateTimeOffset instant)
    {
        // Julian day 2440587.5 is the Unix epoch; J2000.0 is Julian day 2451545.
        var julianDay = 2440587.5 + (instant.ToUnixTimeMilliseconds() / 86_400_000d);
        return (julianDay - 2451545) / 36525;
    }

    /// <summary>The sun's declination (degrees) and the equation of time (minutes) at Julian century <paramref name="t"/>.</summary>
    private static (double Declination, double EquationOfTime) SunAt(double t)
    {
        var meanLongitude = Normalize(280.46646 + (t * (36000.76983 + (t * 0.0003032))));
        var meanAnomaly = 357.52911 + (t * (35999.05029 - (0.0001537 * t)));
        var eccentricity = 0.016708634 - (t * (0.000042037 + (0.0000001267 * t)));
        var centre = (Sin(meanAnomaly) * (1.914602 - (t * (0.004817 + (0.000014 * t)))))
            + (Sin(2 * meanAnomaly) * (0.019993 - (0.000101 * t)))
            + (Sin(3 * meanAnomaly) * 0.000289);
        var omega = 125.04 - (1934.136 * t);
        var apparentLongitude = meanLongitude + centre - 0.00569 - (0.00478 * Sin(omega));
        var meanObliquity = 23 + ((26 + ((21.448 - (t * (46.815 + (t * (0.00059 - (t * 0.001813)))))) / 60)) / 60);
        var obliquity = meanObliquity + (0.00256 * Cos(omega));
        var declination = Degrees(Math.Asin(Sin(obliquity) * Sin(apparentLongitude)));

        var y = Math.Pow(Math.Tan(Radians(obliquity / 2)), 2);
        var equationOfTime = 4 * Degrees(
            (y * Sin(2 * meanLongitude))
            - (2 * eccentricity * Sin(meanAnomaly))
            + (4 * eccentricity * y * Sin(meanAnomaly) * Cos(2 * meanLongitude))
            - (0.5 * y * y * Sin(4 * meanLongitude))
            - (1.25 * eccentricity * eccentricity * Sin(2 * meanAnomaly)));
        return (declination, equationOfTime);
    }

    /// <summary>The sunset hour angle in degrees, or <see langword="null"/> when the sun stays above or below the horizon.</summary>
    private static double? HourAngle(double latitude, double declination)
    {
        var cosine = (Cos(Zenith) / (Cos(latitude) * Cos(declination))) - (Math.Tan(Radians(latitude)) * Math.Tan(Radians(declination)));
        return cosine is < -1 or > 1 ? null : Degrees(Math.Acos(cosine));
    }

    private static double Normalize(double degrees) => ((degrees % 360) + 360) % 360;

    private static double Sin(double degrees) => Math.Sin(Radians(degrees));

    private static double Cos(double degrees) => Math.Cos(Radians(degrees));

    private static double Radians(double degrees) => degrees * Math.PI / 180;

    private static double Degrees(double radians) => radians * 180 / Math.PI;
}
