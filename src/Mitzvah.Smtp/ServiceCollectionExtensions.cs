using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp;

/// <summary>Registers the SMTP mail sender.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// When <c>SMTP_HOST</c> is set: <see cref="SmtpOptions"/> from configuration, validated at start-up (a bad
    /// value stops the host with the variable's name), and <see cref="SmtpMailSender"/> as the
    /// <see cref="IMailSender"/> (unless one is registered already). Without <c>SMTP_HOST</c> nothing is
    /// registered: hosts choose their own sender then (the local runner writes <c>.eml</c> files to its outbox).
    /// </summary>
    public static IServiceCollection AddMitzvahSmtp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Text(SmtpSettingNames.SmtpHost) is null)
        {
            return services;
        }

        services.AddOptions<SmtpOptions>().Configure(options => SmtpOptionsBinder.Bind(configuration, options)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SmtpMailSender>();
        services.TryAddSingleton<IMailSender>(provider => provider.GetRequiredService<SmtpMailSender>());
        return services;
    }
}
