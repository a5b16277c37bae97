using Microsoft.Extensions.Options;
using NCrontab;

namespace Mitzvah.Azure;

/// <summary>Rejects a missing or malformed timer schedule, naming the setting.</summary>
/// <remarks>
/// The Functions host reads the schedule itself; checking it here, with the same NCRONTAB grammar (six fields, seconds
/// first, each value in its field's range) and a check that it fires at all, turns a timer that
/// would never fire into a start-up error.
/// </remarks>
public sealed class FunctionsAppOptionsValidator : IValidateOptions<FunctionsAppOptions>
{
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    // Four years from a fixed date hold every calendar day, 29 February included; no clock needed.
    private static readonly DateTime CheckFrom = new(2028, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FunctionsAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setting = MitzvahFunctionsApp.DailyScheduleSetting;
        if (string.IsNullOrWhiteSpace(options.DailySchedule))
        {
            return ValidateOptionsResult.Fail($"{setting} must be set to an NCRONTAB schedule with seconds, e.g. \"0 */15 * * * *\".");
        }

        if (CrontabSchedule.TryParse(options.DailySchedule.Trim(), WithSeconds) is not { } schedule)
        {
            return ValidateOptionsResult.Fail(
                $"{setting} '{options.DailySchedule}' is not an NCRONTAB schedule of six fields (second minute hour day month weekday), e.g. \"0 */15 * * * *\".");
        }

        if (!schedule.GetNextOccurrences(CheckFrom, CheckFrom.AddYears(4)).Any())
        {
            return ValidateOptionsResult.Fail($"{setting} '{options.DailySchedule}' would not fire once in four years (a date that never comes, such as 30 February).");
        }

        return ValidateOptionsResult.Success;
    }
}
