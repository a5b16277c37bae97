using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Sending;

namespace Mitzvah.Azure;

/// <summary>
/// The daily run. Timers fire in UTC, so the schedule fires at both UTC hours that can be the local send hour and
/// Core acts only on the one that is; the delivery ledger makes any extra firing harmless.
/// </summary>
public sealed partial class DailyMitzvahTimer
{
    private readonly DailySendService _service;
    private readonly TimeProvider _time;
    private readonly ILogger<DailyMitzvahTimer> _logger;

    /// <summary>Creates the function.</summary>
    public DailyMitzvahTimer(DailySendService service, TimeProvider time, ILogger<DailyMitzvahTimer> logger)
    {
        _service = service;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the day's send if now is the send hour.</summary>
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

        var summary = await _service.RunAsync(new SendRequest(TriggeredAt: now, NotBeforeSendHour: true), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        var level = summary.Failed > 0 ? LogLevel.Warning : LogLevel.Information;
        LogSummary(_logger, level, now, summary.StudyDate, summary.Send, summary.Reason ?? "-", summary.Eligible, summary.Sent, summary.AlreadySent, summary.Failed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Daily timer is past due (running at {TriggeredAt:O}); it still sends if the send hour has passed today")]
    private static partial void LogPastDue(ILogger logger, DateTimeOffset triggeredAt);

    [LoggerMessage(Message = "Daily timer at {TriggeredAt:O}: study date {StudyDate}, send {Send}, reason {Reason}, eligible {Eligible}, sent {Sent}, already sent {AlreadySent}, failed {Failed}")]
    private static partial void LogSummary(
        ILogger logger, LogLevel level, DateTimeOffset triggeredAt, DateOnly studyDate, bool send, string reason, long eligible, long sent, long alreadySent, long failed);
}
