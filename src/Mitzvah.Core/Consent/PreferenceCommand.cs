using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Mitzvah.Core.Calendar;
using NodaTime.TimeZones;

namespace Mitzvah.Core.Consent;

/// <summary>A subscriber's message that changes a delivery preference, as read by <see cref="Parse"/>.</summary>
/// <remarks>
/// A command is recognised by its first word, case- and punctuation-insensitive like the consent keywords; a value
/// that cannot be read makes an invalid command (<see cref="Error"/> says what to send), which changes nothing.
/// Pure and thread-safe.
/// </remarks>
public sealed partial record PreferenceCommand
{
    /// <summary>The longest pause a subscriber can ask for, in days.</summary>
    public const int MaxPauseDays = 90;

    // City names from the zone ids and their aliases ("America/New_York" → "NEW YORK", "Asia/Tel_Aviv" → "TEL AVIV"),
    // kept only where every id with that name is the same zone.
    private static readonly FrozenDictionary<string, string> ZonesByCity = TzdbDateTimeZoneSource.Default.CanonicalIdMap
        .Where(pair => pair.Key.Contains('/', StringComparison.Ordinal) && !pair.Key.StartsWith("Etc/", StringComparison.Ordinal))
        .GroupBy(pair => pair.Key[(pair.Key.LastIndexOf('/') + 1)..].Replace('_', ' ').ToUpperInvariant(), StringComparer.Ordinal)
        .Where(group => group.Select(pair => pair.Value).Distinct(StringComparer.Ordinal).Count() == 1)
        .ToFrozenDictionary(group => group.Key, group => group.First().Value, StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, string> ZonesById = TzdbDateTimeZoneSource.Default.CanonicalIdMap
        .ToFrozenDictionary(pair => pair.Key.ToUpperInvariant(), pair => pair.Value, StringComparer.Ordinal);

    /// <summary>What the command changes.</summary>
    public required PreferenceCommandKind Kind { get; init; }

    /// <summary>For <see cref="PreferenceCommandKind.Time"/>: the new send time, on a quarter hour.</summary>
    public TimeOnly? Time { get; init; }

    /// <summary>For <see cref="PreferenceCommandKind.Zone"/>: the new IANA zone id, canonical (an alias gives the zone it names).</summary>
    public string? Zone { get; init; }

    /// <summary>For <see cref="PreferenceCommandKind.Calendar"/>: the new calendar.</summary>
    public FestivalCalendar? Calendar { get; init; }

    /// <summary>For <see cref="PreferenceCommandKind.Pause"/>: days to pause (1 to <see cref="MaxPauseDays"/>), or <see langword="null"/> until RESUME.</summary>
    public int? PauseDays { get; init; }

    /// <summary>Why the value could not be read, with an example to send instead; <see langword="null"/> when valid.</summary>
    public string? Error { get; init; }

    /// <summary>Reads a preference command, or returns <see langword="null"/> when the message is not one.</summary>
    public static PreferenceCommand? Parse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        var text = body.Trim().TrimEnd('.', '!', '?', ' ');
        var space = text.IndexOfAny([' ', '\t', '\n']);
        var keyword = (space < 0 ? text : text[..space]).Trim(':', ',', '.', '!', '?').ToUpperInvariant();
        var argument = space < 0 ? string.Empty : text[(space + 1)..].Trim();
        return keyword switch
        {
            "TIME" => ParseTime(argument),
            "ZONE" => ParseZone(argument),
            "ISRAEL" when argument.Length == 0 => new PreferenceCommand { Kind = PreferenceCommandKind.Calendar, Calendar = FestivalCalendar.Israel },
            "DIASPORA" when argument.Length == 0 => new PreferenceCommand { Kind = PreferenceCommandKind.Calendar, Calendar = FestivalCalendar.Diaspora },
            "RESUME" when argument.Length == 0 => new PreferenceCommand { Kind = PreferenceCommandKind.Resume },
            "PAUSE" => ParsePause(argument),
            _ => null,
        };
    }

    /// <summary>The zone <paramref name="name"/> names: an IANA id in any case, or a city that names exactly one zone.</summary>
    public static string? FindZone(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = WhiteSpace().Replace(name.Trim().Replace('_', ' '), " ").ToUpperInvariant();
        return ZonesById.TryGetValue(key.Replace(' ', '_'), out var id) ? id : ZonesByCity.GetValueOrDefault(key);
    }

    private static PreferenceCommand ParseTime(string argument)
    {
        var match = TimePattern().Match(argument);
        var error = new PreferenceCommand
        {
            Kind = PreferenceCommandKind.Time,
            Error = "Send the time on a quarter hour, for example TIME 7:30, TIME 7am or TIME 19:00.",
        };
        if (!match.Success)
        {
            return error;
        }

        var hour = int.Parse(match.Groups["hour"].Value, CultureInfo.InvariantCulture);
        var minute = match.Groups["minute"].Success ? int.Parse(match.Groups["minute"].Value, CultureInfo.InvariantCulture) : 0;
        if (match.Groups["half"].Success)
        {
            if (hour is < 1 or > 12)
            {
                return error;
            }

            hour = (hour % 12) + (match.Groups["half"].Value.StartsWith('P') || match.Groups["half"].Value.StartsWith('p') ? 12 : 0);
        }

        return hour > 23 || minute > 59 || minute % 15 != 0
            ? error
            : new PreferenceCommand { Kind = PreferenceCommandKind.Time, Time = new TimeOnly(hour, minute) };
    }

    private static PreferenceCommand ParseZone(string argument) =>
        argument.Length > 0 && FindZone(argument) is { } zone
            ? new PreferenceCommand { Kind = PreferenceCommandKind.Zone, Zone = zone }
            : new PreferenceCommand
            {
                Kind = PreferenceCommandKind.Zone,
                Error = "Send a time zone or a city, for example ZONE Europe/London, ZONE London or ZONE New York.",
            };

    private static PreferenceCommand ParsePause(string argument)
    {
        if (argument.Length == 0)
        {
            return new PreferenceCommand { Kind = PreferenceCommandKind.Pause };
        }

        var match = PausePattern().Match(argument);
        return match.Success && int.TryParse(match.Groups["days"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxPauseDays
            ? new PreferenceCommand { Kind = PreferenceCommandKind.Pause, PauseDays = days }
            : new PreferenceCommand
            {
                Kind = PreferenceCommandKind.Pause,
                Error = $"Send PAUSE to pause until you send RESUME, or PAUSE and a number of days from 1 to {MaxPauseDays}, for example PAUSE 7.",
            };
    }

    // 7, 7:30, 07.30, 19:00, 7am, 7:30 pm, 7 P.M.
    [GeneratedRegex(@"^(?<hour>\d{1,2})(?:[:.h](?<minute>\d{2}))?\s*(?<half>[aApP]\.?\s?[mM]\.?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^(?<days>\d{1,3})(?:\s*days?)?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PausePattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhiteSpace();
}
