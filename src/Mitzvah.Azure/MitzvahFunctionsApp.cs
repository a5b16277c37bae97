using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Smtp;
using Mitzvah.TableStorage;
using Mitzvah.Twilio;
using OpenTelemetry.Resources;

namespace Mitzvah.Azure;

/// <summary>The Function app's composition root, shared by <c>Program.cs</c> and the tests.</summary>
public static class MitzvahFunctionsApp
{
    /// <summary>The app setting holding the timer's NCRONTAB schedule (both UTC candidate hours of the send hour).</summary>
    public const string DailyScheduleSetting = "DAILY_MITZVAH_SCHEDULE";

    /// <summary>The app setting of the Application Insights resource the run's metrics go to; unset, none are sent.</summary>
    public const string ApplicationInsightsConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Adds Core, the Table Storage store and ledger, the Twilio adapters and (when <c>SMTP_HOST</c> is set) the SMTP
    /// mail sender, all read from the flat app settings, with every setting the app can check without calling a
    /// service validated when the host starts.
    /// </summary>
    /// <remarks>
    /// Missing Twilio credentials do not stop the start: the consent endpoint still serves the web form and refuses
    /// webhooks, and <c>/api/health</c> reports what is missing. Values that are present but malformed (a bad SMTP
    /// setting among them) do stop it, naming the setting.
    /// </remarks>
    /// <exception cref="OptionsValidationException">The Table Storage settings are missing or conflicting.</exception>
    public static IServiceCollection ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddMitzvahCore(configuration).AddMitzvahTableStorage(configuration).AddMitzvahTwilio(configuration).AddMitzvahSmtp(configuration);

        services.AddOptions<FunctionsAppOptions>()
            .Configure(options => options.DailySchedule = configuration.Text(DailyScheduleSetting))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FunctionsAppOptions>, FunctionsAppOptionsValidator>());
        AddRunMetrics(services, configuration);
        return services;
    }

    /// <summary>
    /// The run's metrics, exported to Application Insights when a connection string is set. Only they: the Functions
    /// host already records requests and the worker's logs.
    /// </summary>
    private static void AddRunMetrics(IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<RunSummaryMetrics>();
        if (configuration.Text(ApplicationInsightsConnectionStringSetting) is not { } connectionString)
        {
            return;
        }

        services.AddOpenTelemetry()
            // The role name the Functions host gives the app's other telemetry.
            .ConfigureResource(resource => resource.AddService(configuration.Text("WEBSITE_SITE_NAME") ?? "Mitzvah.Azure"))
            .WithMetrics(metrics => metrics
                .AddMeter(RunSummaryMetrics.MeterName)
                .AddAzureMonitorMetricExporter(options =>
                {
                    options.ConnectionString = connectionString;
                    // No live-metrics stream and no process counters: the app sends only its run metrics.
                    options.EnableLiveMetrics = false;
                    options.EnablePerformanceCounters = false;
                    options.EnableStandardMetrics = false;
                }));
    }
}
