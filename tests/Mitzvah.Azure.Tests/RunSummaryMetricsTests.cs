using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Sending;
using OpenTelemetry.Metrics;

namespace Mitzvah.Azure.Tests;

/// <summary>The run's numbers as metrics, in-process (the real-start test sees them reach the ingestion endpoint).</summary>
public sealed class RunSummaryMetricsTests
{
    [Fact]
    public void Publish_records_every_summary_number_once_tagged_with_the_study_date()
    {
        // A date of its own: other tests in the process may record on the same meter name at the same time.
        var date = new DateOnly(2031, 1, 7);
        var recorded = new List<(string Name, double Value)>();
        using var listener = Listen(date, recorded);
        using var metrics = new RunSummaryMetrics();

        Assert.True(metrics.Publish(Summary(date)));

        // Without a previous send date in the summary, its numbers are not published.
        Assert.Equal(SummaryMetrics.All.Select(metric => metric.Name).Where(name => !name.StartsWith("Previous", StringComparison.Ordinal)), recorded.Select(point => point.Name));
        var values = recorded.ToDictionary(point => point.Name, point => point.Value);
        Assert.Equal(12, values["Eligible"]);
        Assert.Equal(7, values["Sent"]);
        Assert.Equal(2, values["AlreadySent"]);
        Assert.Equal(3, values[SummaryMetrics.FailedName]);
        Assert.Equal(1, values["OptedOut"]);
        Assert.Equal(4321, values["DurationMs"]);
        Assert.Equal(1, values[SummaryMetrics.HeartbeatName]);
    }

    [Fact]
    public void The_previous_send_dates_delivery_is_published_with_its_percentage()
    {
        var date = new DateOnly(2031, 1, 10);
        var recorded = new List<(string Name, double Value)>();
        using var listener = Listen(date, recorded);
        using var metrics = new RunSummaryMetrics();
        var previous = Core.Delivery.DeliveryReport.From(date.AddDays(-1), date.AddDays(-1),
            [Testing.DeliveryRecords.Delivered("+15550000001"), Testing.DeliveryRecords.Sent("+15550000002"), Testing.DeliveryRecords.Sent("+15550000003"), Testing.DeliveryRecords.Sent("+15550000004")]);

        metrics.Publish(Summary(date) with { Previous = previous });

        var values = recorded.ToDictionary(point => point.Name, point => point.Value);
        Assert.Equal(4, values["PreviousAccepted"]);
        Assert.Equal(1, values["PreviousDelivered"]);
        Assert.Equal(3, values["PreviousPending"]);
        Assert.Equal(25, values[SummaryMetrics.PreviousDeliveredPercentName]);
    }

    [Fact]
    public void A_dry_run_records_no_heartbeat()
    {
        var date = new DateOnly(2031, 1, 8);
        var recorded = new List<(string Name, double Value)>();
        using var listener = Listen(date, recorded);
        using var metrics = new RunSummaryMetrics();

        metrics.Publish(Summary(date) with { DryRun = true });

        Assert.Equal(0, recorded.Single(point => point.Name == SummaryMetrics.HeartbeatName).Value);
    }

    [Fact]
    public void Without_a_connection_string_nothing_exports_and_publishing_still_succeeds()
    {
        var services = Services(TestSettings.Offline());
        using var provider = services.BuildServiceProvider();

        Assert.DoesNotContain(services, descriptor => descriptor.ServiceType == typeof(MeterProvider));
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.True(provider.GetRequiredService<RunSummaryMetrics>().Publish(Summary(new DateOnly(2031, 1, 9))));
    }

    [Fact]
    public void A_connection_string_registers_the_exporting_meter_provider()
    {
        var settings = TestSettings.Offline();
        settings[MitzvahFunctionsApp.ApplicationInsightsConnectionStringSetting] = $"InstrumentationKey={Guid.NewGuid()};IngestionEndpoint=http://127.0.0.1:9/";

        // Registered, not built here: building it starts the exporter, which the real-start test runs in its own process.
        Assert.Contains(Services(settings), descriptor => descriptor.ServiceType == typeof(MeterProvider));
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        MitzvahFunctionsApp.ConfigureServices(services, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services;
    }

    private static MeterListener Listen(DateOnly date, List<(string Name, double Value)> recorded)
    {
        var studyDate = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, source) =>
            {
                if (instrument.Meter.Name == RunSummaryMetrics.MeterName)
                {
                    source.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == RunSummaryMetrics.StudyDateTag && Equals(tag.Value, studyDate))
                {
                    lock (recorded)
                    {
                        recorded.Add((instrument.Name, value));
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static SendSummary Summary(DateOnly date) => Testing.SendSummaries.Run(date);
}
