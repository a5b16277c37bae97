using System.Diagnostics;
using System.Globalization;
using Mitzvah.Core.Calendar;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Core.Tests.Calendar;

/// <summary>
/// The hand-written NOAA sunset against @hebcal/core's candle-lighting times (an independent implementation, run
/// with Node), every Friday and eve of Yom Tov of a year, at the principal places of zones around the world.
/// </summary>
public sealed class CandleLightingTests
{
    private const int Year = 2027;

    private static readonly string[] Zones =
    [
        "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Helsinki", "Europe/Moscow", "Europe/Madrid",
        "Europe/Rome", "Asia/Jerusalem", "Asia/Tokyo", "Asia/Kolkata", "Asia/Shanghai", "Asia/Dubai",
        "Australia/Sydney", "Australia/Perth", "Pacific/Auckland", "America/New_York", "America/Chicago",
        "America/Denver", "America/Los_Angeles", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
        "America/Toronto", "Africa/Johannesburg", "Africa/Cairo", "America/Anchorage", "Atlantic/Reykjavik",
    ];

    [Fact]
    public async Task Candle_lighting_is_within_two_minutes_of_hebcal_in_every_zone_all_year()
    {
        var places = Zones.ToDictionary(zone => zone, zone => CandleLighting.PlaceOf(zone) ?? throw new InvalidOperationException($"{zone} names no place."));
        var lines = await HebcalAsync(places.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}:{p.Value.Latitude}:{p.Value.Longitude}")));

        var compared = 0;
        var worst = TimeSpan.Zero;
        var misses = new List<string>();
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            var zone = parts[0];
            var date = DateOnly.ParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var expected = DateTimeOffset.Parse(parts[2], CultureInfo.InvariantCulture);
            var (latitude, longitude) = places[zone];
            var ours = SolarCalculator.Sunset(date, latitude, longitude)?.AddMinutes(-CandleLighting.MinutesBeforeSunset);

            var difference = ours is { } value ? (value - expected).Duration() : TimeSpan.MaxValue;
            worst = difference > worst ? difference : worst;
            if (difference > TimeSpan.FromMinutes(2))
            {
                misses.Add($"{zone} {date:yyyy-MM-dd}: hebcal {expected:HH:mm}Z, ours {ours:HH:mm:ss}Z");
            }

            compared++;
        }

        Assert.True(compared >= Zones.Length * 48, $"Only {compared} candle-lighting times came back from hebcal.");
        Assert.True(misses.Count == 0, $"{misses.Count} of {compared} differ by more than 2 minutes (worst {worst}):\n{string.Join('\n', misses.Take(20))}");
        Assert.Equal(Zones.Length, lines.Select(l => l.Split(' ')[0]).Distinct().Count());
    }

    [Fact]
    public void Jerusalem_lights_40_minutes_before_sunset_and_elsewhere_18()
    {
        var friday = new DateOnly(Year, 1, 8);
        var (lat, lon) = CandleLighting.PlaceOf("Asia/Jerusalem")!.Value;
        var (londonLat, londonLon) = CandleLighting.PlaceOf("Europe/London")!.Value;

        Assert.Equal(SolarCalculator.Sunset(friday, lat, lon)!.Value.AddMinutes(-40), CandleLighting.On(friday, "Asia/Jerusalem"));
        Assert.Equal(SolarCalculator.Sunset(friday, londonLat, londonLon)!.Value.AddMinutes(-18), CandleLighting.On(friday, "Europe/London"));
    }

    [Fact]
    public void An_alias_finds_its_zones_place_and_a_zone_without_a_place_has_no_candle_lighting()
    {
        Assert.Equal(CandleLighting.PlaceOf("America/New_York"), CandleLighting.PlaceOf("US/Eastern"));
        Assert.Null(CandleLighting.PlaceOf("Etc/UTC"));
        Assert.Null(CandleLighting.On(new DateOnly(Year, 1, 8), "Etc/UTC"));
    }

    [Fact]
    public void Under_the_midnight_sun_and_in_the_polar_night_there_is_no_sunset()
    {
        var (lat, lon) = CandleLighting.PlaceOf("America/Thule")!.Value;

        Assert.Null(SolarCalculator.Sunset(new DateOnly(Year, 6, 18), lat, lon));
        Assert.Null(SolarCalculator.Sunset(new DateOnly(Year, 12, 17), lat, lon));
        Assert.NotNull(SolarCalculator.Sunset(new DateOnly(Year, 3, 19), lat, lon));
    }

    [Theory]
    [InlineData(91, 0)]
    [InlineData(0, -181)]
    public void Coordinates_off_the_globe_are_refused(double latitude, double longitude) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SolarCalculator.Sunset(new DateOnly(Year, 1, 1), latitude, longitude));

    private static async Task<string[]> HebcalAsync(IEnumerable<string> places)
    {
        var script = Path.Combine(RepositoryPaths.Root, "tools", "candle-lighting.mjs");
        if (!Directory.Exists(Path.Combine(RepositoryPaths.NodeModules, "@hebcal", "core")))
        {
            throw new InvalidOperationException($"@hebcal/core is not installed in {RepositoryPaths.NodeModules}; run npm ci --prefix tools.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["TZ"] = "UTC" },
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(Year.ToString(CultureInfo.InvariantCulture));
        foreach (var place in places)
        {
            start.ArgumentList.Add(place);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        Assert.True(process.ExitCode == 0, $"hebcal failed: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
