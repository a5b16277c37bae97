using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Mitzvah.Core;
using Mitzvah.Core.Consent;

namespace Mitzvah.Twilio;

/// <summary>Registers the Twilio adapters.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds webhook signature checking and phone normalisation, with <see cref="TwilioOptions"/> bound from configuration.</summary>
    public static IServiceCollection AddMitzvahTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>().Configure(options =>
        {
            options.AccountSid = configuration.Text(SettingNames.TwilioAccountSid);
            options.AuthToken = configuration.Text(SettingNames.TwilioAuthToken);
            options.WhatsAppNumber = configuration.WhatsAppNumber(SettingNames.TwilioWhatsAppNumber);
        });
        services.TryAddSingleton<IWebhookSignatureValidator, TwilioSignatureValidator>();
        services.TryAddSingleton<IPhoneNumberNormalizer, LibPhoneNumberNormalizer>();
        return services;
    }
}
