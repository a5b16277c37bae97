using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Cli;

/// <summary>Options shared by several commands, with parsers that say what was wrong.</summary>
internal static class CliOptions
{
    public static Option<DateOnly?> Date(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        HelpName = "yyyy-MM-dd",
        CustomParser = ParseDate,
    };

    public static Option<DateTimeOffset?> Instant(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "yyyy-MM-ddTHH:mm:ssZ",
        CustomParser = ParseInstant,
    };

    public static Option<bool> Israel() => new("--israel")
    {
        Description = "Use the Israeli (one-day) festival calendar.",
    };

    public static Option<bool> NoRestDays() => new("--no-rest-days")
    {
        Description = "Send on Shabbat and Yom Tov too; each day then carries only itself.",
    };

    public static Option<string?> Zone() => new("--zone")
    {
        Description = "The subscriber's IANA time zone (default: MITZVAH_TIME_ZONE, else America/Chicago).",
        HelpName = "Area/City",
        CustomParser = ParseZone,
    };

    public static Option<TimeOnly?> SendTime(string name = "--send-time", string description = "The subscriber's local send time, on a quarter hour (default: the send hour, 10:00).") => new(name)
    {
        Description = description,
        HelpName = "HH:mm",
        CustomParser = ParseSendTime,
    };

    public static Option<FestivalCalendar?> Calendar() => new("--calendar")
    {
        Description = "The festival calendar that decides rest days: israel or diaspora.",
        HelpName = "israel|diaspora",
        CustomParser = ParseCalendar,
    };

    private static FestivalCalendar? ParseCalendar(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        try
        {
            return PreferenceNames.ParseCalendar(text.Trim().ToLowerInvariant());
        }
        catch (FormatException)
        {
            result.AddError($"--calendar: '{text}' is not a calendar; use israel or diaspora.");
            return null;
        }
    }

    private static string? ParseZone(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(text) is not null)
        {
            return text;
        }

        result.AddError($"--zone: '{text}' is not an IANA time-zone id, for example Europe/London.");
        return null;
    }

    private static TimeOnly? ParseSendTime(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) && time.Minute % 15 == 0)
        {
            return time;
        }

        var option = result.Parent is OptionResult parent ? parent.Option.Name : "--send-time";
        result.AddError($"{option}: '{text}' is not a time on a quarter hour in the form HH:mm, for example 07:30.");
        return null;
    }

    private static DateOnly? ParseDate(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        var option = result.Parent is OptionResult parent ? parent.Option.Name : "date";
        result.AddError($"{option}: '{text}' is not a date in the form yyyy-MM-dd.");
        return null;
    }

    // An instant needs its offset: a bare local time would mean a different instant on every operator's machine.
    private static DateTimeOffset? ParseInstant(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text.Length > 6 && text[^6] is '+' or '-'))
        {
            return instant;
        }

        var option = result.Parent is OptionResult parent ? parent.Option.Name : "at";
        result.AddError($"{option}: '{text}' is not an instant with its offset, for example 2026-12-04T12:00:00Z.");
        return null;
    }
}
