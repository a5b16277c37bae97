using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
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
            options.TimeZone = configuration[SettingNames.TimeZone] is { Length: > 0 } zone ? zone : options.TimeZone;
            options.InIsrael = Flag(configuration[SettingNames.InIsrael], options.InIsrael);
            options.SkipRestDays = Flag(configuration[SettingNames.SkipRestDays], options.SkipRestDays);
        });
        services.AddOptions<ConsentOptions>().Configure(options =>
        {
            options.WebhookToken = NullIfEmpty(configuration[SettingNames.WebhookToken]);
            options.WhatsAppNumber = NullIfEmpty(configuration[SettingNames.TwilioWhatsAppNumber])?.Replace("whatsapp:", string.Empty, StringComparison.OrdinalIgnoreCase);
            if (NullIfEmpty(configuration[SettingNames.PublicConsentUrl]) is { } url)
            {
                options.PublicConsentUrl = Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                    ? parsed
                    : throw new OptionsValidationException(SettingNames.PublicConsentUrl, typeof(ConsentOptions),
                        [$"{SettingNames.PublicConsentUrl} '{url}' is not an absolute http(s) URL."]);
            }
        });
        return services;
    }

    /// <summary>
    /// Adds the study cycle, catalogue, clock, delivery planner and message composer. Bind
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
        services.TryAddSingleton<DailyMessageComposer>();
        services.AddOptions<ConsentOptions>();
        services.TryAddSingleton<ConsentEndpoint>();
        return services;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool Flag(string? value, bool fallback) => NullIfEmpty(value)?.ToLowerInvariant() switch
    {
        null => fallback,
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        var other => throw new OptionsValidationException(other, typeof(ScheduleOptions),
            [string.Create(CultureInfo.InvariantCulture, $"'{value}' is not true or false.")]),
    };
}
