using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

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

    public static Option<bool> Israel() => new("--israel")
    {
        Description = "Use the Israeli (one-day) festival calendar.",
    };

    public static Option<bool> NoRestDays() => new("--no-rest-days")
    {
        Description = "Send on Shabbat and Yom Tov too; each day then carries only itself.",
    };

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
}
