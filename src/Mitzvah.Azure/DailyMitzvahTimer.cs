using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Sending;

namespace Mitzvah.Azure;

/// <summary>
/// The send tick, every 15 minutes (<c>0 */15 * * * *</c>): each subscriber whose local send moment has come gets their
/// day's message. A late or missed firing is caught up by the next, since Core reads everyone due by now.
/// </summary>
public sealed partial class DailyMitzvahTimer
{
    private readonly DailySendService _service;
    private readonly TimeProvider _time;
    private readonly RunSummaryMetrics _metrics;
    private readonly ILogger<DailyMitzvahTimer> _logger;

    /// <summary>Creates the function.</summary>
    public DailyMitzvahTimer(DailySendService service, TimeProvider time, RunSummaryMetrics metrics, ILogger<DailyMitzvahTimer> logger)
    {
        _service = service;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>Runs one tick as of now.</summary>
    [Function("DailyMitzvahTimer")]
    public async Task RunAsync(
        [TimerTrigger("%DAILY_MITZVAH_SCHEDULE%", RunOnStartup = false)] TimerInfo timer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var now = _time.GetUtcNow();
        if (timer.IsPastDue)
        {
            LogPastDue(_logger, now);
        }

        // DailySendService logs the run's summary (and each failure as a warning); the timer publishes its numbers as
        // the metrics the alerts watch. Only the schedule's runs do: a manual send, like the Lambda's Function URL, does not.
        var summary = await _service.RunAsync(new SendRequest(), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (!_metrics.Publish(summary))
        {
            LogMetricsNotFlushed(_logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The run's metrics were not sent within the flush timeout; the exporter keeps them and retries")]
    private static partial void LogMetricsNotFlushed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The tick is past due (running at {TriggeredAt:O}); it serves everyone due by now")]
    private static partial void LogPastDue(ILogger logger, DateTimeOffset triggeredAt);
}
