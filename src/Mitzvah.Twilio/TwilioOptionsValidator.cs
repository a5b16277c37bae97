using Microsoft.Extensions.Options;

namespace Mitzvah.Twilio;

/// <summary>Rejects Twilio settings that are present but malformed, naming the setting.</summary>
/// <remarks>
/// Absent values are left to <see cref="TwilioMessenger.Validate"/>, since a host that only checks webhook signatures
/// needs no account SID; a value that is set but cannot be right is a typo, and failing the start shows it at once
/// instead of at the next send.
/// </remarks>
public sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AccountSid is { } sid && (sid.Length != 34 || !sid.StartsWith("AC", StringComparison.Ordinal)))
        {
            failures.Add($"{TwilioSettingNames.TwilioAccountSid} must be the account SID: AC followed by 32 characters.");
        }

        if (options.MessagingServiceSid is { } service && !service.StartsWith("MG", StringComparison.Ordinal))
        {
            failures.Add($"{TwilioSettingNames.TwilioMessagingServiceSid} must start with MG.");
        }

        if (options.ConfirmTemplateSid is { } confirm && !confirm.StartsWith("HX", StringComparison.Ordinal))
        {
            failures.Add($"{TwilioSettingNames.WhatsAppConfirmTemplateSid} must be a Content SID starting with HX.");
        }

        if (options.TemplateSid is { } template && !template.StartsWith("HX", StringComparison.Ordinal))
        {
            failures.Add($"{TwilioSettingNames.WhatsAppTemplateSid} must be a Content SID starting with HX.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
