using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mitzvah.Core.Mail;

/// <summary>
/// Where a mail sender is set up, its links need a secret to sign them and a public address to point at: without
/// either, start-up stops with the setting's name rather than the first mail failing.
/// </summary>
internal sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    private readonly IServiceProviderIsService _services;

    // Asks whether a sender is registered without making one: making it would validate its own options a second time.
    public MailOptionsValidator(IServiceProviderIsService services) => _services = services;

    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.LinkSecret is { } secret && secret.Length < MailOptions.MinimumSecretLength)
        {
            problems.Add($"{SettingNames.MailLinkSecret} must be at least {MailOptions.MinimumSecretLength} characters long.");
        }

        if (_services.IsService(typeof(IMailSender)))
        {
            if (options.LinkSecret is null)
            {
                problems.Add($"{SettingNames.MailLinkSecret} must be set (at least {MailOptions.MinimumSecretLength} characters) to sign the links in mails.");
            }

            if (options.LinkBaseUrl is null)
            {
                problems.Add($"{SettingNames.PublicConsentUrl} must be set: the confirmation and unsubscribe links in mails point to it.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
