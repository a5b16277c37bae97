using Microsoft.Extensions.Options;
using NodaTime;

namespace Mitzvah.Core;

/// <summary>Rejects an unknown time zone or a send time that is not in whole minutes.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TimeZone) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(options.TimeZone) is null)
        {
            failures.Add($"TimeZone '{options.TimeZone}' ({SettingNames.TimeZone}) is not an IANA time-zone id, for example America/Chicago.");
        }

        if (options.SendTime.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            failures.Add($"The send time ({SettingNames.SendTime}) must be in whole minutes; it is {options.SendTime:HH:mm:ss.fff}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
