using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Health;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Study;

namespace Mitzvah.Core;

/// <summary>Registers Core's services.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds Core and binds its options from the flat setting names in <see cref="SettingNames"/>.
    /// </summary>
    public static IServiceCollection AddMitzvahCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMitzvahCore();
        services.AddOptions<ScheduleOptions>().Configure(options =>
        {
            options.TimeZone = configuration.Text(SettingNames.TimeZone) ?? options.TimeZone;
            options.SendTime = configuration.TimeOfDay(SettingNames.SendTime, options.SendTime);
            options.InIsrael = configuration.Flag(SettingNames.InIsrael, options.InIsrael);
            options.SkipRestDays = configuration.Flag(SettingNames.SkipRestDays, options.SkipRestDays);
        });
        services.AddOptions<ConsentOptions>().Configure(options =>
        {
            options.WebhookToken = configuration.Text(SettingNames.WebhookToken);
            options.PublicConsentUrl = configuration.HttpUrl(SettingNames.PublicConsentUrl);
            options.WebOptInsPerHour = configuration.WholeNumber(SettingNames.WebOptInsPerHour, options.WebOptInsPerHour);
        }).Validate(
            options => options.WebOptInsPerHour is >= 1 and <= 10_000,
            $"{SettingNames.WebOptInsPerHour} must be a whole number from 1 to 10000.").ValidateOnStart();
        services.AddOptions<SendOptions>().Configure(options =>
        {
            options.Concurrency = configuration.WholeNumber(SettingNames.SendConcurrency, options.Concurrency);
            options.WindowMargin = TimeSpan.FromMinutes(configuration.WholeNumber(SettingNames.WindowMarginMinutes, (int)options.WindowMargin.TotalMinutes));
            options.SendToken = configuration.Text(SettingNames.SendToken);
        });
        services.AddOptions<MailOptions>().Configure(options =>
        {
            options.LinkSecret = configuration.Text(SettingNames.MailLinkSecret);
            options.LinkBaseUrl = configuration.HttpUrl(SettingNames.PublicConsentUrl);
        });
        services.TryAddSingleton<IRecipientSource>(provider => provider.GetService<ISubscriberStore>() is { } store
            ? new SubscriberRecipients(store)
            : new ConfiguredRecipients(configuration.Text(SettingNames.Recipients)
                ?? throw new OptionsValidationException(SettingNames.Recipients, typeof(IConfiguration), [$"No subscriber store is configured, so {SettingNames.Recipients} must list the numbers to send to."])));
        return services;
    }

    /// <summary>
    /// Adds the study cycle, catalogue, clock, delivery planner, message composer, and the services over the ports
    /// (consent endpoint, delivery-status callbacks, subscriber administration, daily send). Bind
    /// <see cref="ScheduleOptions"/> from configuration before or after; they are validated at first use (and at
    /// start-up where the host validates options on start).
    /// </summary>
    public static IServiceCollection AddMitzvahCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ScheduleOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(StudyCycle.Default);
        services.TryAddSingleton(MitzvahCatalogue.Default);
        services.TryAddSingleton<StudyClock>();
        services.TryAddSingleton<DeliveryPlanner>();
        services.TryAddSingleton<SendSchedule>();
        services.TryAddSingleton<UnreachableRule>();
        services.TryAddSingleton<IConsentConfirmationSender, NoConsentConfirmation>();
        services.TryAddSingleton<DailyMessageComposer>();
        services.AddOptions<ConsentOptions>();
        services.TryAddSingleton<SubscriberAdministration>();
        services.AddOptions<SendOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SendOptions>, SendOptionsValidator>());
        services.TryAddSingleton<DailySendService>();
        services.TryAddSingleton<DeliveryReporter>();
        services.TryAddSingleton<TemplateResender>();
        services.AddOptions<MailOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MailOptions>, MailOptionsValidator>());
        services.TryAddSingleton<EmailLinkSigner>();
        services.TryAddSingleton<EmailSubscriptions>();
        services.TryAddSingleton<DailyMail>();
        services.TryAddSingleton<FallbackMail>();
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(HealthEndpoint.StoreCheck)
            .AddCheck<MessengerHealthCheck>(HealthEndpoint.MessengerCheck);
        services.TryAddSingleton<EndpointRouter>();
        services.AddMitzvahRoute<ConsentEndpoint>()
            .AddMitzvahRoute<SendEndpoint>()
            .AddMitzvahRoute<HealthEndpoint>()
            .AddMitzvahRoute<DeliveryStatusEndpoint>()
            .AddMitzvahRoute<ReportEndpoint>()
            .AddMitzvahRoute<OptInPageEndpoint>()
            .AddMitzvahRoute<OptInConfigEndpoint>()
            .AddMitzvahRoute<EmailLinkEndpoint>();
        return services;
    }
}
