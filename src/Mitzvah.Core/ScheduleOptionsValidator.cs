using Microsoft.Extensions.Options;
using NodaTime;

namespace Mitzvah.Core;

/// <summary>Rejects an unknown time zone or an hour outside 0-23.</summary>
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

        if (options.SendHour is < 0 or > 23)
        {
            failures.Add($"SendHour must be 0-23; it is {options.SendHour}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
