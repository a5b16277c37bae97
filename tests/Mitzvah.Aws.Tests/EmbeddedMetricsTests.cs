using System.Text.Json;
using Mitzvah.Core.Sending;

namespace Mitzvah.Aws.Tests;

public sealed class EmbeddedMetricsTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 25, 16, 0, 5, TimeSpan.Zero);

    [Fact]
    public void A_run_becomes_one_EMF_line_whose_every_declared_metric_is_a_number_beside_its_dimension()
    {
        using var output = new StringWriter();

        EmbeddedMetrics.Write(Summary(), "mitzvah", "mitzvah-DailyMitzvahBot-abc", End, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(End.ToUnixTimeMilliseconds(), aws.GetProperty("Timestamp").GetInt64());
        var directive = Assert.Single(aws.GetProperty("CloudWatchMetrics").EnumerateArray().ToList());
        Assert.Equal("mitzvah", directive.GetProperty("Namespace").GetString());

        // EMF: every dimension set names members holding strings; every metric names a member holding a number.
        var dimensionSet = Assert.Single(directive.GetProperty("Dimensions").EnumerateArray().ToList());
        Assert.Equal(["Function"], dimensionSet.EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("mitzvah-DailyMitzvahBot-abc", root.GetProperty("Function").GetString());
        var metrics = directive.GetProperty("Metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("Name").GetString()!, m => m.GetProperty("Unit").GetString());
        Assert.All(metrics.Keys, name => Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind));
        Assert.All(metrics.Values, unit => Assert.Contains(unit, new[] { "Count", "Milliseconds", "Percent" }));
        Assert.True(metrics.Count <= 100, "EMF allows at most 100 metrics per directive.");

        Assert.Equal(12, root.GetProperty("Eligible").GetInt64());
        Assert.Equal(7, root.GetProperty("Sent").GetInt64());
        Assert.Equal(2, root.GetProperty("AlreadySent").GetInt64());
        Assert.Equal(3, root.GetProperty("Failed").GetInt64());
        Assert.Equal(1, root.GetProperty("OptedOut").GetInt64());
        Assert.Equal(1, root.GetProperty("Invalid").GetInt64());
        Assert.Equal(1, root.GetProperty("TemplateRequired").GetInt64());
        Assert.Equal(4321, root.GetProperty("DurationMs").GetInt64());
        Assert.Equal("Milliseconds", metrics["DurationMs"]);
        Assert.Equal(1, root.GetProperty("Heartbeat").GetInt64());
        Assert.Equal("2026-11-25", root.GetProperty("StudyDate").GetString());
    }

    [Fact]
    public void The_previous_send_dates_delivery_becomes_metrics_and_its_percentage_only_when_something_was_accepted()
    {
        var date = Testing.DeliveryRecords.Date;
        var previous = Core.Delivery.DeliveryReport.From(date, date,
        [
            Testing.DeliveryRecords.Sent("+15550000001", Core.Delivery.DeliveryStatus.Read),
            Testing.DeliveryRecords.Delivered("+15550000002"),
            Testing.DeliveryRecords.Sent("+15550000003", Core.Delivery.DeliveryStatus.Undelivered, "63016"),
            Testing.DeliveryRecords.Sent("+15550000004"),
        ]);

        using var line = JsonDocument.Parse(EmbeddedMetrics.Render(Summary() with { Previous = previous }, "mitzvah", "bot", End));
        using var empty = JsonDocument.Parse(EmbeddedMetrics.Render(Summary() with { Previous = previous with { Accepted = 0, Delivered = 0 } }, "mitzvah", "bot", End));
        using var none = JsonDocument.Parse(EmbeddedMetrics.Render(Summary(), "mitzvah", "bot", End));

        var root = line.RootElement;
        Assert.Equal(4, root.GetProperty("PreviousAccepted").GetInt64());
        Assert.Equal(2, root.GetProperty("PreviousDelivered").GetInt64());
        Assert.Equal(1, root.GetProperty("PreviousRead").GetInt64());
        Assert.Equal(1, root.GetProperty("PreviousFailed").GetInt64());
        Assert.Equal(1, root.GetProperty("PreviousPending").GetInt64());
        Assert.Equal(50, root.GetProperty("PreviousDeliveredPercent").GetDouble());
        Assert.Contains("PreviousDeliveredPercent", Declared(line));
        Assert.False(empty.RootElement.TryGetProperty("PreviousDeliveredPercent", out _));
        Assert.DoesNotContain("PreviousDeliveredPercent", Declared(empty));
        Assert.DoesNotContain(Declared(none), name => name.StartsWith("Previous", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_stopped_at_the_messaging_limit_counts_one_stop_and_its_window_misses()
    {
        using var stopped = JsonDocument.Parse(EmbeddedMetrics.Render(Summary() with { StoppedAtMessagingLimit = true, OutsideWindow = 5 }, "mitzvah", "bot", End));
        using var normal = JsonDocument.Parse(EmbeddedMetrics.Render(Summary(), "mitzvah", "bot", End));

        Assert.Equal(1, stopped.RootElement.GetProperty("MessagingLimitStops").GetInt64());
        Assert.True(stopped.RootElement.GetProperty("StoppedAtMessagingLimit").GetBoolean());
        Assert.Equal(5, stopped.RootElement.GetProperty("OutsideWindow").GetInt64());
        Assert.Equal(0, normal.RootElement.GetProperty("MessagingLimitStops").GetInt64());
    }

    [Fact]
    public void A_rest_day_still_beats_but_a_dry_run_or_test_send_does_not()
    {
        Assert.Equal(1, Heartbeat(Summary() with { Send = false, Reason = "rest-day", Sent = 0 }));
        Assert.Equal(0, Heartbeat(Summary() with { DryRun = true }));
        Assert.Equal(0, Heartbeat(Summary() with { TestRecipient = "+1***0100" }));
    }

    [Fact]
    public void The_line_carries_no_phone_number()
    {
        var line = EmbeddedMetrics.Render(Summary() with { TestRecipient = "+1***0100" }, "mitzvah", "bot", End);

        Assert.DoesNotContain("+1", line, StringComparison.Ordinal);
    }

    private static long Heartbeat(SendSummary summary)
    {
        using var document = JsonDocument.Parse(EmbeddedMetrics.Render(summary, "mitzvah", "bot", End));
        return document.RootElement.GetProperty("Heartbeat").GetInt64();
    }

    private static SendSummary Summary() => Testing.SendSummaries.Run();

    private static List<string> Declared(JsonDocument line) =>
        [.. line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()!)];
}
