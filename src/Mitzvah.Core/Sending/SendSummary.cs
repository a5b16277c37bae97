using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mitzvah.Core.Delivery;

namespace Mitzvah.Core.Sending;

/// <summary>What a run did, returned to the host and logged. Phone numbers appear only masked.</summary>
/// <param name="StudyDate">The date whose message this run was about.</param>
/// <param name="Send">Whether a message goes out on that date (false on rest days of a date run; true for a tick).</param>
/// <param name="Reason">Why nothing went out ("rest-day"); <see langword="null"/> when <paramref name="Send"/>.</param>
/// <param name="Covers">The study dates the message carries (a bundle before rest days).</param>
/// <param name="Messenger">The messenger's kind (e.g. "outbox").</param>
/// <param name="Recipients">Where recipients came from ("subscribers", "RECIPIENTS", "test-recipient").</param>
/// <param name="DryRun">Nothing was sent or written.</param>
/// <param name="TestRecipient">The masked test recipient, for an operator's test send.</param>
/// <param name="Eligible">Recipients considered.</param>
/// <param name="Sent">Messages the provider accepted in this run.</param>
/// <param name="AlreadySent">Recipients an earlier run had already served (found in the ledger or at the provider).</param>
/// <param name="InProgressElsewhere">Recipients another live run holds a claim on.</param>
/// <param name="Failed">Recipients not served in this run: the failures below plus transient ones that ran out of attempts.</param>
/// <param name="OptedOut">Of <paramref name="Failed"/>: opted out at the provider, now marked opted out.</param>
/// <param name="Invalid">Of <paramref name="Failed"/>: numbers that cannot receive messages, now marked invalid.</param>
/// <param name="TemplateRequired">Of <paramref name="Failed"/>: outside WhatsApp's 24-hour window without a template.</param>
/// <param name="DurationMs">Wall time of the run in milliseconds.</param>
/// <param name="StoppedAtDeadline">The run stopped claiming recipients because its deadline came near.</param>
/// <param name="Remaining">
/// Recipients this run left for a later one because of the deadline or the messaging limit: those it never reached
/// and those whose retries it cut short (left failed, not permanently, so the next run takes them at once). Counted
/// in <paramref name="Eligible"/>, not in <paramref name="Failed"/>.
/// </param>
/// <param name="OutsideWindow">
/// Recipients sent freeform although WhatsApp's 24-hour window was closed, because no template is configured; such
/// messages are expected to fail (asynchronously, as "template required").
/// </param>
/// <param name="StoppedAtMessagingLimit">
/// The run stopped claiming recipients because the provider reported the sender's messaging limit; the rest are
/// counted in <paramref name="Remaining"/> and left for a later run.
/// </param>
/// <param name="Previous">
/// The previous send date's delivery counts as the ledger holds them at the end of this run (by then most of its
/// statuses are final), so that dashboards and alarms see delivery rather than acceptance; <see langword="null"/> for
/// test sends, before the cycle's first date, or when the ledger could not be read.
/// </param>
/// <param name="TickAt">
/// For a tick: the instant it ran as of (its recipients were those due by then; <paramref name="StudyDate"/> is the
/// operator's date). <see langword="null"/> for a run of one study date.
/// </param>
/// <param name="Missed">
/// Tick: messages recorded missed, because the recipient's local day (or the time before candle lighting) ended before
/// a tick could send them, after an outage or a late join. Never sent late.
/// </param>
/// <param name="Rescheduled">
/// Tick: due recipients moved to their next send moment without a message now: not yet their time, a rest day in
/// their calendar, or paused.
/// </param>
/// <param name="MailSent">Daily mails accepted by the mail server in this run (fallbacks included).</param>
/// <param name="MailFailed">Daily mails that failed in this run, for the day or for now.</param>
/// <param name="MailFallbacks">Of <paramref name="MailSent"/>, those sent because the day's WhatsApp message failed.</param>
public sealed record SendSummary(
    DateOnly StudyDate,
    bool Send,
    string? Reason,
    IReadOnlyList<DateOnly> Covers,
    string Messenger,
    string Recipients,
    bool DryRun,
    string? TestRecipient,
    long Eligible,
    long Sent,
    long AlreadySent,
    long InProgressElsewhere,
    long Failed,
    long OptedOut,
    long Invalid,
    long TemplateRequired,
    long DurationMs,
    bool StoppedAtDeadline = false,
    long Remaining = 0,
    long OutsideWindow = 0,
    bool StoppedAtMessagingLimit = false,
    DeliveryReport? Previous = null,
    DateTimeOffset? TickAt = null,
    long Missed = 0,
    long Rescheduled = 0,
    long MailSent = 0,
    long MailFailed = 0,
    long MailFallbacks = 0)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Read by people and log tools, never embedded in HTML: keep "+" and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One line of camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
