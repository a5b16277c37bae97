using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Sending;

namespace Mitzvah.Twilio;

/// <summary>Registers the Twilio adapters.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds webhook signature checking, phone normalisation and the <see cref="TwilioMessenger"/> (unless a messenger
    /// is already registered), with <see cref="TwilioOptions"/> bound from configuration.
    /// </summary>
    public static IServiceCollection AddMitzvahTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>().Configure(options =>
        {
            options.AccountSid = configuration.Text(SettingNames.TwilioAccountSid);
            options.AuthToken = configuration.Text(SettingNames.TwilioAuthToken);
            options.WhatsAppNumber = configuration.WhatsAppNumber(SettingNames.TwilioWhatsAppNumber);
            options.MessagingServiceSid = configuration.Text(SettingNames.TwilioMessagingServiceSid);
            options.StatusCallbackUrl = configuration.HttpUrl(SettingNames.TwilioStatusCallbackUrl);
            options.TemplateSid = configuration.Text(SettingNames.WhatsAppTemplateSid);
            options.ApiBaseUrl = configuration.HttpUrl(SettingNames.TwilioApiBaseUrl);
        }).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddSingleton<IMessenger, TwilioMessenger>();
        services.TryAddSingleton<IWebhookSignatureValidator, TwilioSignatureValidator>();
        services.TryAddSingleton<IPhoneNumberNormalizer, LibPhoneNumberNormalizer>();
        return services;
    }
}
