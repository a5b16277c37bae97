using Microsoft.Extensions.Options;

namespace Mitzvah.Core.Sending;

/// <summary>Rejects send options the run cannot honour, naming the setting.</summary>
public sealed class SendOptionsValidator : IValidateOptions<SendOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Concurrency is < 1 or > 256)
        {
            failures.Add($"{SettingNames.SendConcurrency} must be between 1 and 256 (was {options.Concurrency}).");
        }

        if (options.MaxAttempts is < 1 or > 10)
        {
            failures.Add($"MaxAttempts must be between 1 and 10 (was {options.MaxAttempts}).");
        }

        if (options.BaseDelay < TimeSpan.Zero || options.MaxDelay < options.BaseDelay)
        {
            failures.Add("BaseDelay must not be negative, and MaxDelay must not be shorter than BaseDelay.");
        }

        // Every attempt may wait up to MaxDelay; the claim must still hold when the last one reports.
        if (options.Lease <= options.MaxDelay * options.MaxAttempts)
        {
            failures.Add($"Lease ({options.Lease}) must be longer than MaxAttempts x MaxDelay ({options.MaxDelay * options.MaxAttempts}).");
        }

        // A back-off begun just before the stop must end before the deadline, with time left for its send.
        if (options.DeadlineMargin <= options.MaxDelay)
        {
            failures.Add($"DeadlineMargin ({options.DeadlineMargin}) must be longer than MaxDelay ({options.MaxDelay}).");
        }

        if (options.WindowMargin < TimeSpan.Zero || options.WindowMargin >= MessageWindow.Length)
        {
            failures.Add($"{SettingNames.WindowMarginMinutes} must be between 0 and 1439 minutes (was {options.WindowMargin.TotalMinutes}).");
        }

        if (options.SendToken is { Length: < 16 })
        {
            failures.Add($"{SettingNames.SendToken} must be at least 16 characters long.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
