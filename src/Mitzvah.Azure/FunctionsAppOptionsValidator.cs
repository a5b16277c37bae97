using Microsoft.Extensions.Options;

namespace Mitzvah.Azure;

/// <summary>Rejects a missing or malformed timer schedule, naming the setting.</summary>
/// <remarks>
/// The Functions host reads the schedule itself; checking it here turns a timer that would silently never fire into
/// a start-up error.
/// </remarks>
public sealed class FunctionsAppOptionsValidator : IValidateOptions<FunctionsAppOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FunctionsAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var setting = MitzvahFunctionsApp.DailyScheduleSetting;
        if (string.IsNullOrWhiteSpace(options.DailySchedule))
        {
            return ValidateOptionsResult.Fail($"{setting} must be set to an NCRONTAB schedule with seconds, e.g. \"0 0 15,16 * * *\".");
        }

        var fields = options.DailySchedule.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 6 || !fields.All(IsCronField))
        {
            return ValidateOptionsResult.Fail(
                $"{setting} '{options.DailySchedule}' is not an NCRONTAB schedule of six fields (second minute hour day month weekday), e.g. \"0 0 15,16 * * *\".");
        }

        return ValidateOptionsResult.Success;
    }

    private static bool IsCronField(string field) =>
        field.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or ',' or '-' or '/');
}
