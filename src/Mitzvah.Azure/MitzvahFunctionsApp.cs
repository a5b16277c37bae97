using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.TableStorage;
using Mitzvah.Twilio;

namespace Mitzvah.Azure;

/// <summary>The Function app's composition root, shared by <c>Program.cs</c> and the tests.</summary>
public static class MitzvahFunctionsApp
{
    /// <summary>The app setting holding the timer's NCRONTAB schedule (both UTC candidate hours of the send hour).</summary>
    public const string DailyScheduleSetting = "DAILY_MITZVAH_SCHEDULE";

    /// <summary>
    /// Adds Core, the Table Storage store and ledger, and the Twilio adapters, all read from the flat app settings,
    /// with every setting the app can check without calling a service validated when the host starts.
    /// </summary>
    /// <remarks>
    /// Missing Twilio credentials do not stop the start: the consent endpoint still serves the web form and refuses
    /// webhooks, and <c>/api/health</c> reports what is missing. Values that are present but malformed do stop it.
    /// </remarks>
    /// <exception cref="OptionsValidationException">The Table Storage settings are missing or conflicting.</exception>
    public static IServiceCollection ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddMitzvahCore(configuration).AddMitzvahTableStorage(configuration).AddMitzvahTwilio(configuration);

        services.AddOptions<FunctionsAppOptions>()
            .Configure(options => options.DailySchedule = configuration.Text(DailyScheduleSetting))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FunctionsAppOptions>, FunctionsAppOptionsValidator>());
        return services;
    }
}
