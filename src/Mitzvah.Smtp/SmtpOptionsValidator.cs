using System.Globalization;
using Microsoft.Extensions.Options;
using MimeKit;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp;

/// <summary>Rejects SMTP settings that cannot work, naming the variable, so a bad deployment stops at start-up.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{SmtpSettingNames.SmtpHost} is required to send mail.");
        }
        else if (Uri.CheckHostName(options.Host) == UriHostNameType.Unknown)
        {
            failures.Add($"{SmtpSettingNames.SmtpHost} '{options.Host}' is not a host name (no scheme or port: use {SmtpSettingNames.SmtpPort} for the port).");
        }

        if (options.PortText is { } portText && !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            failures.Add($"{SmtpSettingNames.SmtpPort} '{portText}' is not a port number.");
        }
        else if (options.Port is < 1 or > 65535)
        {
            failures.Add($"{SmtpSettingNames.SmtpPort} {options.Port} is not between 1 and 65535.");
        }

        if (options.SecurityText is { } security && SmtpOptionsBinder.ParseSecurity(security) is null)
        {
            failures.Add($"{SmtpSettingNames.SmtpSecurity} '{security}' must be starttls, tls or none.");
        }

        if (options.Username is not null && string.IsNullOrEmpty(options.Password))
        {
            failures.Add($"{SmtpSettingNames.SmtpPassword} is required when {SmtpSettingNames.SmtpUsername} is set.");
        }

        if (options.Username is null && options.Password is not null)
        {
            failures.Add($"{SmtpSettingNames.SmtpUsername} is required when {SmtpSettingNames.SmtpPassword} is set.");
        }

        if (string.IsNullOrWhiteSpace(options.From))
        {
            failures.Add($"{SmtpSettingNames.MailFrom} is required: the sender, e.g. Daily Mitzvah <mitzvah@example.org>.");
        }
        else if (!MailboxAddress.TryParse(options.From, out var from) || !EmailAddress.IsValid(from.Address))
        {
            failures.Add($"{SmtpSettingNames.MailFrom} '{options.From}' is not an address like Daily Mitzvah <mitzvah@example.org>.");
        }

        if (options.RateText is { } rateText && !double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            failures.Add($"{SmtpSettingNames.MailRatePerSecond} '{rateText}' is not a number.");
        }
        else if (!(options.RatePerSecond > 0) || double.IsInfinity(options.RatePerSecond))
        {
            failures.Add($"{SmtpSettingNames.MailRatePerSecond} {options.RatePerSecond.ToString(CultureInfo.InvariantCulture)} must be more than 0 mails per second.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
