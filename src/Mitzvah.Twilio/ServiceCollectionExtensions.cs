using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;

namespace Mitzvah.Twilio;

/// <summary>Registers the Twilio adapters.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the inbound webhook (signature checking, TwiML replies), the delivery-status callbacks, phone normalisation and the <see cref="TwilioMessenger"/> (unless a messenger
    /// is already registered), with <see cref="TwilioOptions"/> bound from configuration.
    /// </summary>
    public static IServiceCollection AddMitzvahTwilio(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<TwilioOptions>().Configure(options =>
        {
            options.AccountSid = configuration.Text(TwilioSettingNames.TwilioAccountSid);
            options.AuthToken = configuration.Text(TwilioSettingNames.TwilioAuthToken);
            options.WhatsAppNumber = configuration.WhatsAppNumber(TwilioSettingNames.TwilioWhatsAppNumber);
            options.MessagingServiceSid = configuration.Text(TwilioSettingNames.TwilioMessagingServiceSid);
            options.StatusCallbackUrl = configuration.HttpUrl(TwilioSettingNames.TwilioStatusCallbackUrl);
            options.TemplateSid = configuration.Text(TwilioSettingNames.WhatsAppTemplateSid);
            options.ConfirmTemplateSid = configuration.Text(TwilioSettingNames.WhatsAppConfirmTemplateSid);
            options.ApiBaseUrl = configuration.HttpUrl(TwilioSettingNames.TwilioApiBaseUrl);
        }).PostConfigure<IOptions<ConsentOptions>>((options, consent) =>
            options.StatusCallbackUrl ??= DeliveryStatusEndpoint.DefaultCallbackUrl(consent.Value.PublicConsentUrl)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TwilioOptions>, TwilioOptionsValidator>());
        services.TryAddSingleton<IMessenger, TwilioMessenger>();
        services.TryAddSingleton<IInboundWebhook, TwilioInboundWebhook>();
        services.TryAddSingleton<IDeliveryStatusWebhook, TwilioDeliveryStatusWebhook>();
        if (configuration.Text(TwilioSettingNames.WhatsAppConfirmTemplateSid) is not null)
        {
            // Replaces Core's default (no confirmation message); the messenger sends the template.
            services.RemoveAll<IConsentConfirmationSender>();
            services.AddSingleton<IConsentConfirmationSender>(provider =>
                provider.GetRequiredService<IMessenger>() as IConsentConfirmationSender ?? new NoConsentConfirmation());
        }

        services.Configure<ConsentOptions>(options =>
            options.WhatsAppNumber ??= configuration.WhatsAppNumber(TwilioSettingNames.TwilioWhatsAppNumber));
        services.AddHealthChecks().AddCheck<TwilioWebhookHealthCheck>("webhooks");
        services.TryAddSingleton<LibPhoneNumberNormalizer>();
        services.TryAddSingleton<IPhoneNumberNormalizer>(provider => provider.GetRequiredService<LibPhoneNumberNormalizer>());
        services.TryAddSingleton<IPhoneTimeZones>(provider => provider.GetRequiredService<LibPhoneNumberNormalizer>());
        return services;
    }
}
