using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>The send tick (and the run of one study date): every recipient gets their day's message once.</summary>
/// <remarks>
/// <para>
/// A tick (<see cref="SendRequest.Date"/> unset) serves the recipients due by its instant, from the source's index of
/// due times, each by its own clock and calendar (<see cref="SendSchedule.Step"/>), and moves each to its next send
/// moment once its date is settled; a date run serves everyone listed that study date's message.
/// </para>
/// <para>
/// Each recipient is claimed in the <see cref="IDeliveryLedger"/> before sending and the outcome recorded after, so
/// reruns, overlapping runs and a rerun after a run died all converge on one message per recipient: a later run skips
/// what was sent, retries transient failures, and takes over claims whose lease lapsed. Before sending on a claim
/// that is not the first, the provider is asked whether an earlier attempt got through, which closes the window
/// between the provider accepting a message and the ledger recording it; when the provider cannot say, the recipient
/// is left failed (not permanently) for a later run rather than risk a second message.
/// </para>
/// <para>
/// Sends run with bounded concurrency, which shrinks while the provider answers "too many requests" and grows back
/// after. Transient and rate-limited failures are retried with exponential back-off and full jitter,
/// waiting at least as long as the provider's Retry-After. One recipient's failure never stops the others.
/// Every wait and the run's duration go through the injected <see cref="TimeProvider"/>, so a fake clock drives them.
/// Thread-safe; runs may overlap.
/// </para>
/// <para>
/// A run given a <see cref="SendRequest.Deadline"/> stops claiming recipients and starting back-offs once the deadline
/// is within <see cref="SendOptions.DeadlineMargin"/>; the sends in flight finish and are recorded. A recipient whose
/// retries were cut short is left failed (not permanently), so nothing is sent twice and a later run serves everyone
/// this one did not. A send refused for the sender's messaging limit (<see cref="SendFailureKind.MessagingLimit"/>)
/// stops the run the same way: that recipient and everyone not yet claimed are left for a later run.
/// </para>
/// <para>
/// Each recipient gets the form WhatsApp's 24-hour window allows (<see cref="MessageWindow"/>): with a template
/// (<see cref="IMessenger.HasTemplate"/>), freeform while the window is open with <see cref="SendOptions.WindowMargin"/>
/// to spare and the template otherwise; without one, freeform to everyone, those outside the window counted in
/// <see cref="SendSummary.OutsideWindow"/> and flagged in the ledger. The ledger records the form sent.
/// </para>
/// </remarks>
public sealed partial class DailySendService
{
    /// <summary>The ledger's error code of a claim released because the run's deadline came near.</summary>
    private const string DeadlineErrorCode = "deadline";

    /// <summary>Failures not retried for the date: the ledger item is failed permanently (the subscriber only for the first two).</summary>
    private static readonly SendFailureKind[] FinalForTheDay = [SendFailureKind.OptedOut, SendFailureKind.InvalidNumber, SendFailureKind.NotDeliveredToday];

    /// <summary>WhatsApp failures after which a fallback recipient gets the day's mail: WhatsApp will not carry it today.</summary>
    private static readonly SendFailureKind[] FallbackKinds = [SendFailureKind.NotDeliveredToday, SendFailureKind.TemplateRequired, SendFailureKind.InvalidNumber];

    private readonly DeliveryPlanner _planner;
    private readonly DailyMessageComposer _composer;
    private readonly StudyClock _clock;
    private readonly IRecipientSource _recipients;
    private readonly IDeliveryLedger _ledger;
    private readonly IMessenger _messenger;
    private readonly TimeProvider _time;
    private readonly SendOptions _options;
    private readonly ILogger<DailySendService> _logger;
    private readonly DeliveryReporter _reporter;
    private readonly SendSchedule _schedule;
    private readonly ScheduleOptions _scheduleDefaults;
    private readonly DailyMail? _mail;

    /// <summary>Creates the service.</summary>
    public DailySendService(
        DeliveryPlanner planner,
        DailyMessageComposer composer,
        StudyClock clock,
        IRecipientSource recipients,
        IDeliveryLedger ledger,
        IMessenger messenger,
        TimeProvider time,
        IOptions<SendOptions> options,
        IOptions<ScheduleOptions> scheduleOptions,
        ILogger<DailySendService> logger,
        DeliveryReporter reporter,
        SendSchedule schedule,
        DailyMail? mail = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduleOptions);
        _planner = planner;
        _composer = composer;
        _clock = clock;
        _recipients = recipients;
        _ledger = ledger;
        _messenger = messenger;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _reporter = reporter;
        _schedule = schedule;
        _scheduleDefaults = scheduleOptions.Value;
        _mail = mail;
    }

    /// <summary>Runs once for <paramref name="request"/> and returns what happened.</summary>
    /// <exception cref="Study.StudyDateOutOfRangeException">The date is outside the study cycle.</exception>
    /// <exception cref="ArgumentException">The test recipient is not an E.164 number.</exception>
    public async Task<SendSummary> RunAsync(SendRequest request, IProgress<SendProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.TestRecipient is not null)
        {
            E164.ThrowIfInvalid(request.TestRecipient, nameof(request));
        }

        var started = _time.GetTimestamp();
        var at = request.At ?? _time.GetUtcNow();
        var tick = request.Date is null && request.TestRecipient is null;
        var date = request.Date ?? _clock.DateAt(at);

        // A date run serves each recipient in their own calendar: it is a rest day only where no calendar sends.
        var plan = request.TestRecipient is null ? PlanInAnyCalendar(date) : _planner.Plan(date);
        var tally = new Tally();
        var source = request.TestRecipient is null ? _recipients.Kind : "test-recipient";

        var reason = !tick && !plan.Send ? "rest-day" : null;

        if (tick)
        {
            await TickAsync(at, request.DryRun, tally, request.Deadline - _options.DeadlineMargin, progress, cancellationToken).ConfigureAwait(false);
        }
        else if (reason is null)
        {
            var message = _composer.Compose(plan);
            if (request.TestRecipient is not null)
            {
                tally.Eligible = 1;
                if (!request.DryRun)
                {
                    await SendTestAsync(new Recipient { Phone = request.TestRecipient }, message, tally, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (request.DryRun)
            {
                tally.Eligible = await _recipients.CountAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var stopAt = request.Deadline - _options.DeadlineMargin;
                await SendDateToAllAsync(date, tally, stopAt, progress, cancellationToken).ConfigureAwait(false);
            }
        }

        var summary = new SendSummary(
            date,
            reason is null,
            reason,
            reason is null && !tick ? [.. plan.Covers.Select(c => c.Date)] : [],
            _messenger.Kind,
            source,
            request.DryRun,
            request.TestRecipient is null ? null : PhoneMask.Mask(request.TestRecipient),
            tally.Eligible,
            tally.Sent,
            tally.AlreadySent,
            tally.InProgressElsewhere,
            tally.Failed,
            tally.OptedOut,
            tally.Invalid,
            tally.TemplateRequired,
            (long)_time.GetElapsedTime(started).TotalMilliseconds,
            tally.Stopped,
            tally.Remaining,
            tally.OutsideWindow,
            Volatile.Read(ref tally.LimitReached) != 0,
            request.TestRecipient is null && (!tick || _schedule.IsOperatorsDailyTick(at)) ? await ReportPreviousAsync(date, cancellationToken).ConfigureAwait(false) : null,
            tick ? at : null,
            tally.Missed,
            tally.Rescheduled,
            tally.MailSent,
            tally.MailFailed,
            tally.MailFallbacks);
        if (summary.StoppedAtDeadline)
        {
            LogStoppedAtDeadline(_logger, summary.Remaining);
        }

        if (summary.StoppedAtMessagingLimit)
        {
            LogStoppedAtMessagingLimit(_logger, summary.Remaining);
        }

        LogSummary(_logger, summary.ToJson());
        return summary;
    }

    /// <summary>The operator's plan of the date, or the other calendar's where only that one sends (diaspora's second festival day).</summary>
    private DeliveryPlan PlanInAnyCalendar(DateOnly date)
    {
        var plan = _planner.Plan(date);
        if (plan.Send)
        {
            return plan;
        }

        var other = _planner.Plan(date, FestivalCalendar.Israel);
        return other.Send ? other : _planner.Plan(date, FestivalCalendar.Diaspora) is { Send: true } diaspora ? diaspora : plan;
    }

    /// <summary>The previous send date's counts, or <see langword="null"/> when the ledger cannot say; never fails the run.</summary>
    private async Task<DeliveryReport?> ReportPreviousAsync(DateOnly date, CancellationToken cancellationToken)
    {
        try
        {
            return await _reporter.ReportPreviousAsync(date, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPreviousReportFailed(_logger, ex.GetType().Name, ex.Message);
            return null;
        }
    }

    /// <summary>A date run: the date's message, in each recipient's calendar, to everyone listed who has not had it.</summary>
    private async Task SendDateToAllAsync(DateOnly date, Tally tally, DateTimeOffset? stopAt, IProgress<SendProgress>? progress, CancellationToken cancellationToken)
    {
        var total = await _recipients.CountAsync(cancellationToken).ConfigureAwait(false);
        var messages = new MessageCache(_planner, _composer);
        await ServeAllAsync(_recipients.ListAsync(cancellationToken), tally, stopAt, progress, total, async (recipient, limit, ct) =>
        {
            var calendar = recipient.Preferences.Resolve(_scheduleDefaults).Calendar;
            if (messages.For(date, calendar) is not { } message)
            {
                // A rest day in this recipient's calendar (the other calendar's working day): nothing for them.
                return;
            }

            Interlocked.Increment(ref tally.Eligible);
            await ServeAsync(recipient, message, tally, limit, stopAt, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);

        if (tally.Stopped || Volatile.Read(ref tally.LimitReached) != 0)
        {
            // The listing stopped early: the recipients it never yielded are counted from the store's count.
            var unreached = Math.Max(0, total - Interlocked.Read(ref tally.Done));
            tally.Eligible += unreached;
            tally.Remaining += unreached;
        }
    }

    /// <summary>
    /// A tick: every recipient due by <paramref name="at"/> gets their local date's message if its moment has come
    /// (<see cref="SendSchedule.Step"/>), then moves to their next send moment; one not yet due, resting or paused
    /// moves on without a message, and a date whose day has ended is recorded missed, never sent late. Recipients
    /// left for later (deadline, messaging limit, transient failure) stay due, so the next tick serves them.
    /// </summary>
    private async Task TickAsync(DateTimeOffset at, bool dryRun, Tally tally, DateTimeOffset? stopAt, IProgress<SendProgress>? progress, CancellationToken cancellationToken)
    {
        var messages = new MessageCache(_planner, _composer);
        await ServeAllAsync(_recipients.ListDueAsync(at, cancellationToken), tally, stopAt, progress, total: 0, async (recipient, limit, ct) =>
        {
            var step = _schedule.Step(recipient.Preferences, recipient.NextSendAt, at);
            if (dryRun)
            {
                Interlocked.Add(ref tally.Missed, recipient.NextSendAt is null ? 0 : step.Missed.Count);
                Interlocked.Increment(ref step.Serve is null ? ref tally.Rescheduled : ref tally.Eligible);
                return;
            }

            // A recipient without a schedule (a fixed list) is looked at every tick: its missed days are not counted.
            foreach (var missed in recipient.NextSendAt is null ? [] : step.Missed)
            {
                await RecordMissedAsync(recipient.Phone, missed, tally, ct).ConfigureAwait(false);
            }

            var settled = true;
            if (step.Serve is { } date && messages.For(date, step.Preferences.Calendar) is { } message)
            {
                Interlocked.Increment(ref tally.Eligible);
                settled = await ServeAsync(recipient, message, tally, limit, stopAt, ct).ConfigureAwait(false);
            }
            else
            {
                Interlocked.Increment(ref tally.Rescheduled);
            }

            if (settled && recipient.NextSendAt is not null && !await _recipients.RescheduleAsync(recipient, step.Next, ct).ConfigureAwait(false))
            {
                LogRescheduledMeanwhile(_logger, PhoneMask.Mask(recipient.Phone));
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that <paramref name="date"/>'s message to <paramref name="phone"/> can no longer go out, unless it went out.</summary>
    private async Task RecordMissedAsync(string phone, DateOnly date, Tally tally, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var claim = await _ledger.TryClaimAsync(date, phone, now, _options.Lease, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            // Sent, failed for good, or held by a live run: not missed.
            return;
        }

        await _ledger.MarkFailedAsync(date, phone, claim.ClaimId, DeliveryNames.MissedErrorCode, permanent: true, now, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref tally.Missed);
        LogMissed(_logger, PhoneMask.Mask(phone), date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Serves every recipient <paramref name="recipients"/> yields until the stop time, with bounded, adaptive concurrency.</summary>
    private async Task ServeAllAsync(
        IAsyncEnumerable<Recipient> recipients,
        Tally tally,
        DateTimeOffset? stopAt,
        IProgress<SendProgress>? progress,
        long total,
        Func<Recipient, AdaptiveLimit, CancellationToken, Task> serve,
        CancellationToken cancellationToken)
    {
        var limit = new AdaptiveLimit(_options.Concurrency);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(UntilStopAsync(recipients, tally, stopAt, cancellationToken), parallel, async (recipient, ct) =>
        {
            try
            {
                await serve(recipient, limit, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // A store or ledger failure for one recipient must not stop the others. Its claim, if any, lapses
                // with its lease and a later run serves it.
                Interlocked.Increment(ref tally.Failed);
                LogRecipientError(_logger, PhoneMask.Mask(recipient.Phone), ex.GetType().Name, ex.Message);
            }

            var done = Interlocked.Increment(ref tally.Done);
            progress?.Report(new SendProgress(done, Math.Max(total, done), Interlocked.Read(ref tally.Sent), Interlocked.Read(ref tally.Failed)));
        }).ConfigureAwait(false);
    }

    /// <summary>Yields recipients until the stop time; each is claimed as soon as it is yielded, so nobody past it is.</summary>
    private async IAsyncEnumerable<Recipient> UntilStopAsync(IAsyncEnumerable<Recipient> recipients, Tally tally, DateTimeOffset? stopAt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var recipient in recipients.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (Volatile.Read(ref tally.LimitReached) != 0 || IsStopping(tally, stopAt))
            {
                yield break;
            }

            yield return recipient;
        }
    }

    /// <summary>Whether the stop time has come; once it has, the run says it stopped at its deadline.</summary>
    private bool IsStopping(Tally tally, DateTimeOffset? stopAt)
    {
        if (stopAt is not { } at || _time.GetUtcNow() < at)
        {
            return false;
        }

        tally.Stopped = true;
        return true;
    }

    /// <summary>
    /// Serves one recipient through the ledger. Returns whether the date is settled for them (sent, found sent, or
    /// failed for the day), so that a tick moves them on; false leaves them due for a later tick.
    /// </summary>
    /// <summary>
    /// Serves one recipient on its channels (<see cref="Recipient.Channel"/>): WhatsApp through the ledger, then the
    /// mail where the channel includes email, or for a fallback recipient where the day's WhatsApp message failed in a
    /// way another channel can answer. Returns whether the date is settled on every channel, so a tick moves them on.
    /// </summary>
    private async Task<bool> ServeAsync(Recipient recipient, DailyMessage message, Tally tally, AdaptiveLimit limit, DateTimeOffset? stopAt, CancellationToken cancellationToken)
    {
        var (settled, fallbackDue) = (true, false);
        if (AddressKey.PhoneOf(recipient.Phone) is not null && recipient.Channel != DeliveryChannel.Email)
        {
            (settled, fallbackDue) = await ServeWhatsAppAsync(recipient, message, tally, limit, stopAt, cancellationToken).ConfigureAwait(false);
        }

        if (recipient.Email is not { } address || _mail is not { IsEnabled: true } mail)
        {
            return settled;
        }

        // A fallback is also due when one was started and refused for now (a status callback's, whose day is
        // otherwise settled): this run finishes it.
        MessageForm? mailForm = recipient.Channel switch
        {
            DeliveryChannel.Email or DeliveryChannel.Both => MessageForm.Email,
            DeliveryChannel.Fallback when fallbackDue || await mail.IsUnfinishedAsync(message.Date, address, cancellationToken).ConfigureAwait(false) => MessageForm.FallbackEmail,
            _ => null,
        };
        if (mailForm is not { } form)
        {
            return settled;
        }

        var delivery = await mail.ServeAsync(recipient.Phone, address, message, form, cancellationToken).ConfigureAwait(false);
        switch (delivery)
        {
            case MailDelivery.Sent:
                Interlocked.Increment(ref tally.MailSent);
                if (form == MessageForm.FallbackEmail)
                {
                    Interlocked.Increment(ref tally.MailFallbacks);
                }

                break;
            case MailDelivery.Failed or MailDelivery.Retry:
                Interlocked.Increment(ref tally.MailFailed);
                break;
        }

        return settled && delivery is not (MailDelivery.Retry or MailDelivery.InProgressElsewhere);
    }

    private async Task<(bool Settled, bool FallbackDue)> ServeWhatsAppAsync(Recipient recipient, DailyMessage message, Tally tally, AdaptiveLimit limit, DateTimeOffset? stopAt, CancellationToken cancellationToken)
    {
        var phone = recipient.Phone;
        var claim = await _ledger.TryClaimAsync(message.Date, phone, _time.GetUtcNow(), _options.Lease, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            var existing = await _ledger.GetAsync(message.Date, phone, cancellationToken).ConfigureAwait(false);
            switch (existing?.State)
            {
                case DeliveryState.Sent:
                    Interlocked.Increment(ref tally.AlreadySent);
                    return (true, false);
                case DeliveryState.Failed:
                    // Failed for good for the date in an earlier run, whose fallback mail the ledger keeps to once; a
                    // day recorded missed is over, and is never sent late on any channel.
                    Interlocked.Increment(ref tally.Failed);
                    return (true, existing.ErrorCode != DeliveryNames.MissedErrorCode);
                default:
                    Interlocked.Increment(ref tally.InProgressElsewhere);
                    return (false, false);
            }
        }

        if (claim.Attempts > 1)
        {
            // An earlier attempt's outcome may be unknown (a dead run, a timeout): ask the provider before sending again.
            var since = _time.GetUtcNow() - (_options.Lease * claim.Attempts) - TimeSpan.FromDays(1);
            var (known, found) = await FindEarlierSendAsync(phone, message, since, limit, () => IsStopping(tally, stopAt), cancellationToken).ConfigureAwait(false);
            if (!known && IsStopping(tally, stopAt))
            {
                await LeaveForLaterRunAsync(phone, message, claim, tally, cancellationToken).ConfigureAwait(false);
                return (false, false);
            }

            if (!known)
            {
                // Sending now could duplicate a message the provider already took; a later run asks again.
                await _ledger.MarkFailedAsync(message.Date, phone, claim.ClaimId, "lookup-failed", permanent: false, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref tally.Failed);
                return (false, false);
            }

            if (found is not null)
            {
                // The earlier attempt chose by the same rule; its form is recorded as this one's.
                var (foundForm, foundOutside) = ChooseForm(recipient);
                await _ledger.MarkSentAsync(message.Date, phone, claim.ClaimId, found, _time.GetUtcNow(), foundForm, foundOutside, cancellationToken).ConfigureAwait(false);
                LogFoundEarlierSend(_logger, PhoneMask.Mask(phone), claim.Attempts);
                Interlocked.Increment(ref tally.AlreadySent);
                return (true, false);
            }
        }

        var (form, outsideWindow) = ChooseForm(recipient);
        if (outsideWindow)
        {
            Interlocked.Increment(ref tally.OutsideWindow);
        }

        var (outcome, cutShort) = await SendWithRetriesAsync(phone, message, form, limit, () => IsStopping(tally, stopAt), cancellationToken).ConfigureAwait(false);
        if (cutShort)
        {
            await LeaveForLaterRunAsync(phone, message, claim, tally, cancellationToken).ConfigureAwait(false);
            return (false, false);
        }

        var now = _time.GetUtcNow();
        if (outcome.Accepted)
        {
            if (!await _ledger.MarkSentAsync(message.Date, phone, claim.ClaimId, outcome.MessageId!, now, form, outsideWindow, cancellationToken).ConfigureAwait(false))
            {
                LogClaimLost(_logger, PhoneMask.Mask(phone));
            }

            Interlocked.Increment(ref tally.Sent);
            return (true, false);
        }

        if (outcome.Failure == SendFailureKind.MessagingLimit)
        {
            // The sender may not reach more people today: this one and everyone not yet claimed wait for a later run.
            await _ledger.MarkFailedAsync(message.Date, phone, claim.ClaimId, outcome.ErrorCode!, permanent: false, now, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref tally.Remaining);
            if (Interlocked.Exchange(ref tally.LimitReached, 1) == 0)
            {
                LogMessagingLimit(_logger, outcome.ErrorCode, outcome.Detail);
            }

            return (false, false);
        }

        // Permanent in the ledger means "not again for this date"; only opt-outs and invalid numbers change the subscriber.
        var permanent = FinalForTheDay.Contains(outcome.Failure!.Value);
        await _ledger.MarkFailedAsync(message.Date, phone, claim.ClaimId, outcome.ErrorCode!, permanent, now, cancellationToken).ConfigureAwait(false);
        await RecordFailureAsync(phone, outcome, tally, cancellationToken).ConfigureAwait(false);

        // Transient failures that ran out of attempts stay due and are retried next tick, within the day; a missing
        // template would fail the same way every tick, so that waits for the next date (or a manual date run).
        return (permanent || outcome.Failure == SendFailureKind.TemplateRequired, FallbackKinds.Contains(outcome.Failure.Value));
    }

    /// <summary>Releases a claim whose retries the deadline cut short: failed, not permanently, so the next run takes it at once.</summary>
    private async Task LeaveForLaterRunAsync(string phone, DailyMessage message, DeliveryRecord claim, Tally tally, CancellationToken cancellationToken)
    {
        await _ledger.MarkFailedAsync(message.Date, phone, claim.ClaimId, DeadlineErrorCode, permanent: false, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref tally.Remaining);
        LogLeftForLaterRun(_logger, PhoneMask.Mask(phone));
    }

    /// <summary>Asks the provider, retrying like a send until <paramref name="stopping"/>; <c>Known</c> is false when it never answered.</summary>
    private async Task<(bool Known, string? MessageId)> FindEarlierSendAsync(string phone, DailyMessage message, DateTimeOffset since, AdaptiveLimit limit, Func<bool> stopping, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            var ticket = await limit.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (true, await _messenger.FindAcceptedAsync(phone, message, since, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failure = ex;
            }
            finally
            {
                limit.Exit(ticket, rateLimited: false);
            }

            if (attempt >= _options.MaxAttempts || stopping() || Backoff(attempt, null) is not { } delay)
            {
                LogLookupFailed(_logger, PhoneMask.Mask(phone), attempt, failure.GetType().Name, failure.Message);
                return (false, null);
            }

            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The form <paramref name="recipient"/> gets now, and whether its window is closed without a template to send instead.</summary>
    private (MessageForm Form, bool OutsideWindow) ChooseForm(Recipient recipient) =>
        MessageWindow.Choose(MessageWindow.IsOpen(recipient.LastInboundAt, _time.GetUtcNow(), _options.WindowMargin), _messenger.HasTemplate);

    private async Task SendTestAsync(Recipient recipient, DailyMessage message, Tally tally, CancellationToken cancellationToken)
    {
        var phone = recipient.Phone;
        var (form, outsideWindow) = ChooseForm(recipient);
        if (outsideWindow)
        {
            tally.OutsideWindow++;
        }

        var (outcome, _) = await SendWithRetriesAsync(phone, message, form, new AdaptiveLimit(1), static () => false, cancellationToken).ConfigureAwait(false);
        if (outcome.Accepted)
        {
            tally.Sent++;
            return;
        }

        tally.Failed++;
        LogFailed(_logger, PhoneMask.Mask(phone), outcome.ErrorCode, outcome.Failure, outcome.Detail);
    }

    private async Task RecordFailureAsync(string phone, SendOutcome outcome, Tally tally, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref tally.Failed);
        LogFailed(_logger, PhoneMask.Mask(phone), outcome.ErrorCode, outcome.Failure, outcome.Detail);
        switch (outcome.Failure)
        {
            case SendFailureKind.OptedOut:
                Interlocked.Increment(ref tally.OptedOut);
                break;
            case SendFailureKind.InvalidNumber:
                Interlocked.Increment(ref tally.Invalid);
                break;
            case SendFailureKind.TemplateRequired:
                Interlocked.Increment(ref tally.TemplateRequired);
                LogTemplateRequired(_logger, PhoneMask.Mask(phone));
                return;
            default:
                return;
        }

        await _recipients.MarkUnreachableAsync(phone, outcome.Failure.Value, outcome.ErrorCode!, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends, retrying transient failures; <c>CutShort</c> when a retry was due but <paramref name="stopping"/> said no.</summary>
    private async Task<(SendOutcome Outcome, bool CutShort)> SendWithRetriesAsync(
        string phone, DailyMessage message, MessageForm form, AdaptiveLimit limit, Func<bool> stopping, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            SendOutcome? outcome = null;
            var ticket = await limit.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                outcome = await _messenger.SendAsync(phone, message, form, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A messenger bug must not stop the other recipients; the ledger lets a later run retry.
                outcome = SendOutcome.Failed(SendFailureKind.Transient, "exception", ex.GetType().Name);
            }
            finally
            {
                limit.Exit(ticket, outcome?.Failure == SendFailureKind.RateLimited);
            }

            if (outcome.Accepted || outcome.Failure is not (SendFailureKind.Transient or SendFailureKind.RateLimited) || attempt >= _options.MaxAttempts)
            {
                return (outcome, false);
            }

            var delay = Backoff(attempt, outcome.RetryAfter);
            if (delay is null)
            {
                return (outcome, false);
            }

            if (stopping())
            {
                return (outcome, true);
            }

            LogRetrying(_logger, PhoneMask.Mask(phone), outcome.ErrorCode, attempt, (long)delay.Value.TotalMilliseconds);
            await Task.Delay(delay.Value, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Full jitter over an exponential ceiling, but never sooner than Retry-After; null when the wait would exceed the budget.</summary>
    private TimeSpan? Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter > _options.MaxDelay)
        {
            return null;
        }

        var ceiling = Math.Min(_options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1), _options.MaxDelay.TotalMilliseconds);
        var jittered = TimeSpan.FromMilliseconds(ceiling * RandomNumberGenerator.GetInt32(0, 1001) / 1000d);
        return retryAfter > jittered ? retryAfter : jittered;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Serving {Phone} failed ({ErrorType}: {ErrorMessage}); a later run retries it")]
    private static partial void LogRecipientError(ILogger logger, string phone, string errorType, string errorMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the previous send date's deliveries ({ErrorType}: {ErrorMessage}); the summary goes without them")]
    private static partial void LogPreviousReportFailed(ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Daily send finished: {Summary}")]
    private static partial void LogSummary(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send to {Phone} failed: {ErrorCode} ({Kind}) {Detail}")]
    private static partial void LogFailed(ILogger logger, string phone, string? errorCode, SendFailureKind? kind, string? detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Send to {Phone} needs an approved template (outside WhatsApp's 24-hour window); set WHATSAPP_TEMPLATE_SID")]
    private static partial void LogTemplateRequired(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Phone} after {ErrorCode} (attempt {Attempt}) in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string phone, string? errorCode, int attempt, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Phone} already received this message in an earlier attempt (claim {Attempts}); recorded, not resent")]
    private static partial void LogFoundEarlierSend(ILogger logger, string phone, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the provider whether {Phone} already got this message ({Attempts} attempts, {Error}: {Detail}); not resent, left for a later run")]
    private static partial void LogLookupFailed(ILogger logger, string phone, int attempts, string error, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retries of {Phone} cut short by the run's deadline; left for a later run")]
    private static partial void LogLeftForLaterRun(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped near the run's deadline; {Remaining} recipients left for a later run")]
    private static partial void LogStoppedAtDeadline(ILogger logger, long remaining);

    [LoggerMessage(Level = LogLevel.Error, Message = "The provider refused a send for the sender's messaging limit ({ErrorCode}: {Detail}); no more recipients are claimed, a later run serves the rest")]
    private static partial void LogMessagingLimit(ILogger logger, string? errorCode, string? detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stopped at the sender's messaging limit; {Remaining} recipients left for a later run")]
    private static partial void LogStoppedAtMessagingLimit(ILogger logger, long remaining);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Phone} was rescheduled by a change during the tick; the change's time stands")]
    private static partial void LogRescheduledMeanwhile(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The message of {Date} to {Phone} was missed: its local day or send window ended before a tick could send it")]
    private static partial void LogMissed(ILogger logger, string phone, string date);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sent to {Phone}, but the claim had been taken over by another run (the lease is too short)")]
    private static partial void LogClaimLost(ILogger logger, string phone);

    /// <summary>Counters shared by concurrent sends; updated with Interlocked.</summary>
    private sealed class Tally
    {
        public long Eligible;
        public long MailSent;
        public long MailFailed;
        public long MailFallbacks;
        public long Done;
        public long Sent;
        public long AlreadySent;
        public long InProgressElsewhere;
        public long Failed;
        public long OptedOut;
        public long Invalid;
        public long TemplateRequired;
        public long Remaining;
        public long OutsideWindow;
        public long Missed;
        public long Rescheduled;
        public volatile bool Stopped;

        /// <summary>1 once a send met the sender's messaging limit; set with Interlocked.</summary>
        public int LimitReached;
    }
}
