using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>
/// Sends the day's message again, as the template, to a recipient whose freeform message the provider refused for
/// being outside WhatsApp's 24-hour window; once per ledger item.
/// </summary>
/// <remarks>
/// <para>
/// The ledger decides who resends: <see cref="IDeliveryLedger.TryClaimResendAsync"/> succeeds for one caller only,
/// and only while the item still holds that freeform message and was never resent, so duplicate or concurrent
/// callbacks of the refusal never cause two template messages. The winner makes one send (no retries: it runs
/// while the provider waits for the callback's answer) and records it on the same item, as the template with
/// <see cref="DeliveryRecord.ResentAsTemplate"/>. A failed resend is left failed, not permanently unless the provider's
/// refusal is final for the day, so a later run of the day serves it by the usual rule. The message is the
/// recipient's calendar's, and none goes out once their day's window has closed (candle lighting before Shabbat).
/// </para>
/// <para>
/// The messenger is resolved at the first resend, so hosts that serve callbacks without a messenger still start.
/// Thread-safe.
/// </para>
/// </remarks>
public sealed partial class TemplateResender
{
    private readonly IDeliveryLedger _ledger;
    private readonly IServiceProvider _services;
    private readonly DeliveryPlanner _planner;
    private readonly SendSchedule _schedule;
    private readonly DailyMessageComposer _composer;
    private readonly TimeProvider _time;
    private readonly SendOptions _options;
    private readonly ILogger<TemplateResender> _logger;

    /// <summary>Creates the resender.</summary>
    public TemplateResender(
        IDeliveryLedger ledger,
        IServiceProvider services,
        DeliveryPlanner planner,
        SendSchedule schedule,
        DailyMessageComposer composer,
        TimeProvider time,
        IOptions<SendOptions> options,
        ILogger<TemplateResender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ledger = ledger;
        _services = services;
        _planner = planner;
        _schedule = schedule;
        _composer = composer;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>
    /// Resends <paramref name="studyDate"/>'s message to <paramref name="phone"/> as the template if the refused
    /// freeform message <paramref name="messageId"/> is still the item's and was not resent yet.
    /// </summary>
    /// <returns>What happened: "resent", "resend-failed", "not-resent" (another caller did, or the item moved on) or "no-template".</returns>
    public async Task<string> ResendAsync(DateOnly studyDate, string phone, string messageId, CancellationToken cancellationToken = default)
    {
        IMessenger? messenger;
        try
        {
            messenger = _services.GetService<IMessenger>();
        }
        catch (OptionsValidationException)
        {
            // A host that serves callbacks but cannot send (settings missing) records the refusal and no more.
            messenger = null;
        }

        if (messenger is not { HasTemplate: true })
        {
            LogNoTemplate(_logger, PhoneMask.Mask(phone), studyDate);
            return "no-template";
        }

        // In the recipient's own calendar, and never once their day's window has closed (candle lighting, midnight).
        // A deployment without a subscriber store (a fixed recipient list) has only the operator's calendar.
        var subscriber = _services.GetService<ISubscriberStore>() is { } store
            ? await store.GetAsync(phone, cancellationToken).ConfigureAwait(false)
            : null;
        var preferences = subscriber is null ? null : _schedule.PreferencesOf(subscriber);
        var plan = _planner.Plan(studyDate, preferences?.Calendar);
        if (!plan.Send || (preferences is not null && _time.GetUtcNow() >= _schedule.LatestFor(studyDate, preferences)))
        {
            return "not-resent";
        }

        var claim = await _ledger.TryClaimResendAsync(studyDate, phone, messageId, _time.GetUtcNow(), _options.Lease, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            return "not-resent";
        }

        SendOutcome outcome;
        try
        {
            outcome = await messenger.SendAsync(phone, _composer.Compose(plan), MessageForm.Template, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = SendOutcome.Failed(SendFailureKind.Transient, "exception", ex.GetType().Name);
        }

        var now = _time.GetUtcNow();
        if (outcome.Accepted)
        {
            await _ledger.MarkSentAsync(studyDate, phone, claim.ClaimId, outcome.MessageId!, now, MessageForm.Template, outsideWindow: false, cancellationToken).ConfigureAwait(false);
            LogResent(_logger, PhoneMask.Mask(phone), studyDate);
            return "resent";
        }

        var permanent = outcome.Failure is SendFailureKind.OptedOut or SendFailureKind.InvalidNumber or SendFailureKind.NotDeliveredToday;
        await _ledger.MarkFailedAsync(studyDate, phone, claim.ClaimId, outcome.ErrorCode!, permanent, now, cancellationToken).ConfigureAwait(false);
        LogResendFailed(_logger, PhoneMask.Mask(phone), studyDate, outcome.ErrorCode, outcome.Failure, outcome.Detail);
        return "resend-failed";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Message of {StudyDate} to {Phone} was refused outside the 24-hour window; resent as the template")]
    private static partial void LogResent(ILogger logger, string phone, DateOnly studyDate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resending the message of {StudyDate} to {Phone} as the template failed: {ErrorCode} ({Kind}) {Detail}")]
    private static partial void LogResendFailed(ILogger logger, string phone, DateOnly studyDate, string? errorCode, SendFailureKind? kind, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message of {StudyDate} to {Phone} needs an approved template (outside WhatsApp's 24-hour window), and none is configured")]
    private static partial void LogNoTemplate(ILogger logger, string phone, DateOnly studyDate);
}
