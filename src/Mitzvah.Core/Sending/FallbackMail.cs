using Microsoft.Extensions.Logging;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>
/// The day's mail to a <see cref="DeliveryChannel.Fallback"/> subscriber whose WhatsApp message ended failed after it
/// was accepted (a status callback), once: the ledger keys it like any mail.
/// </summary>
/// <remarks>
/// Failures that call for it: WhatsApp did not deliver that day (63049, 63032), a freeform message outside the window
/// with no template to resend (63016), and a number WhatsApp cannot reach (<see cref="UnreachableRule.UnreachableCodes"/>).
/// Failures at send time are handled by the run itself (<see cref="DailySendService"/>).
/// </remarks>
public sealed partial class FallbackMail
{
    private readonly ISubscriberStore? _store;
    private readonly DailyMail _mail;
    private readonly MessageCache _messages;
    private readonly SendSchedule _schedule;
    private readonly TimeProvider _time;
    private readonly ILogger<FallbackMail> _logger;

    /// <summary>Creates the service; without a store (a fixed recipient list) nobody has a fallback.</summary>
    public FallbackMail(
        DailyMail mail, DeliveryPlanner planner, DailyMessageComposer composer, SendSchedule schedule, TimeProvider time, ILogger<FallbackMail> logger, ISubscriberStore? store = null)
    {
        _store = store;
        _mail = mail;
        _messages = new MessageCache(planner, composer);
        _schedule = schedule;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether a failed WhatsApp message with <paramref name="failure"/> / <paramref name="errorCode"/> calls for the fallback mail.</summary>
    /// <param name="failure">The failure's kind, as the channel classified its code.</param>
    /// <param name="errorCode">The channel's error code.</param>
    /// <param name="resent">Whether the message was resent on WhatsApp (as a template) instead.</param>
    public static bool IsCalledFor(SendFailureKind? failure, string? errorCode, bool resent) =>
        !resent && (failure is SendFailureKind.NotDeliveredToday or SendFailureKind.TemplateRequired or SendFailureKind.InvalidNumber
            || (errorCode is not null && UnreachableRule.UnreachableCodes.Contains(errorCode)));

    /// <summary>Sends <paramref name="studyDate"/>'s mail to the fallback address of <paramref name="phone"/>, if it has one.</summary>
    /// <returns>What happened to the mail, or <see langword="null"/> when no mail is due (no fallback, no confirmed address, a rest day).</returns>
    public async Task<MailDelivery?> SendAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default)
    {
        if (_store is null || !_mail.IsEnabled)
        {
            return null;
        }

        var subscriber = await _store.GetAsync(phone, cancellationToken).ConfigureAwait(false);
        if (subscriber is not { Status: ConsentStatus.OptedIn, EffectiveChannel: DeliveryChannel.Fallback, DeliverableEmail: { } address })
        {
            return null;
        }

        // In the subscriber's calendar, and never once their day has closed (candle lighting, midnight).
        var preferences = _schedule.PreferencesOf(subscriber);
        if (_messages.For(studyDate, preferences.Calendar) is not { } message || _time.GetUtcNow() >= _schedule.LatestFor(studyDate, preferences))
        {
            return null;
        }

        var delivery = await _mail.ServeAsync(subscriber.Phone, address, message, MessageForm.FallbackEmail, cancellationToken).ConfigureAwait(false);
        LogFallback(_logger, PhoneMask.Mask(phone), studyDate, delivery);
        if (delivery == MailDelivery.Retry)
        {
            // Refused for now: the subscriber is due again at once, and the next tick finishes the started mail
            // (DailySendService) while the day lasts.
            await _store.SetNextSendAtAsync(subscriber.Phone, subscriber.NextSendAt, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return delivery;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "WhatsApp message of {StudyDate} to {Phone} failed: fallback mail {Delivery}")]
    private static partial void LogFallback(ILogger logger, string phone, DateOnly studyDate, MailDelivery delivery);
}
