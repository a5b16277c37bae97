using System.Globalization;
using Microsoft.Extensions.Configuration;
using Mitzvah.Core;

namespace Mitzvah.Smtp;

/// <summary>Reads <see cref="SmtpOptions"/> from the flat settings; values that do not parse are left to the validator.</summary>
internal static class SmtpOptionsBinder
{
    public static void Bind(IConfiguration configuration, SmtpOptions options)
    {
        options.Host = configuration.Text(SmtpSettingNames.SmtpHost);
        options.Username = configuration.Text(SmtpSettingNames.SmtpUsername);
        options.Password = configuration.Text(SmtpSettingNames.SmtpPassword);
        options.From = configuration.Text(SmtpSettingNames.MailFrom);
        options.PortText = configuration.Text(SmtpSettingNames.SmtpPort);
        if (options.PortText is { } port && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            options.Port = number;
        }

        options.SecurityText = configuration.Text(SmtpSettingNames.SmtpSecurity);
        if (options.SecurityText is { } security && ParseSecurity(security) is { } parsed)
        {
            options.Security = parsed;
        }

        options.RateText = configuration.Text(SmtpSettingNames.MailRatePerSecond);
        if (options.RateText is { } rate && double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var perSecond))
        {
            options.RatePerSecond = perSecond;
        }
    }

    public static SmtpSecurity? ParseSecurity(string text) => text.ToLowerInvariant() switch
    {
        "starttls" => SmtpSecurity.StartTls,
        "tls" or "ssl" => SmtpSecurity.Tls,
        "none" => SmtpSecurity.None,
        _ => null,
    };
}
