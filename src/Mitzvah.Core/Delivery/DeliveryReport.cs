using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Delivery;

/// <summary>
/// What became of one study date's messages, counted from the delivery ledger: what the provider accepted, and what
/// its status callbacks later said reached each phone.
/// </summary>
/// <remarks>
/// Each ledger item counts once, by its latest state. <see cref="Accepted"/> items end as <see cref="Delivered"/>,
/// failed (in <see cref="Failed"/>) or <see cref="Pending"/>; items the provider refused at once are in
/// <see cref="Failed"/> too, and items a run still holds are <see cref="InProgress"/>. No phone number appears: the
/// marketing-template refusals are counted by country calling code only.
/// </remarks>
public sealed record DeliveryReport
{
    /// <summary>The error code of a marketing template that the channel chose not to deliver.</summary>
    public const string MarketingNotDeliveredCode = "63049";

    private const string DateFormat = "yyyy-MM-dd";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The study date whose messages these are.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>
    /// The date whose message carries <see cref="Date"/>'s study: <see cref="Date"/> itself, or for a rest day the
    /// earlier date whose message carried it (its counts are that date's).
    /// </summary>
    public required DateOnly CarriedBy { get; init; }

    /// <summary>Messages the provider accepted (whatever became of them later).</summary>
    public required long Accepted { get; init; }

    /// <summary>Of <see cref="Accepted"/>: reported delivered or read.</summary>
    public required long Delivered { get; init; }

    /// <summary>Of <see cref="Delivered"/>: reported read.</summary>
    public required long Read { get; init; }

    /// <summary>Refused by the provider at once, or reported failed or undelivered after it accepted them.</summary>
    public required long Failed { get; init; }

    /// <summary>Of <see cref="Accepted"/>: no final status reported yet.</summary>
    public required long Pending { get; init; }

    /// <summary>Claimed by a run that has not recorded an outcome yet.</summary>
    public required long InProgress { get; init; }

    /// <summary>
    /// Messages that never went out because the subscriber's local day (or the time before candle lighting) ended
    /// before a tick could send them, after an outage or a late join (<see cref="DeliveryNames.MissedErrorCode"/>).
    /// Not in <see cref="Failed"/>: the provider never saw them.
    /// </summary>
    public long Missed { get; init; }

    /// <summary>Of <see cref="Accepted"/>: sent as the approved template (outside the 24-hour window, or resent as one).</summary>
    public required long Template { get; init; }

    /// <summary>Of <see cref="Accepted"/>: sent freeform (inside the 24-hour window, or with no template configured).</summary>
    public required long Freeform { get; init; }

    /// <summary>Of <see cref="Template"/>: freeform messages refused as outside the window (63016) and resent as the template.</summary>
    public required long ResentAsTemplate { get; init; }

    /// <summary>Of <see cref="Freeform"/>: sent while the window was closed, because no template is configured.</summary>
    public required long OutsideWindow { get; init; }

    /// <summary>Failures by the provider's error code, verbatim (codes nobody knows included).</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>
    /// Marketing templates the channel chose not to deliver (<see cref="MarketingNotDeliveredCode"/>), by country
    /// calling code ("+1"): these readers need another channel, or must write to the number first.
    /// </summary>
    public required IReadOnlyDictionary<string, long> MarketingNotDeliveredByCountry { get; init; }

    /// <summary>Daily mails the mail server accepted (fallbacks included).</summary>
    public long MailSent { get; init; }

    /// <summary>Daily mails that failed: refused for good, by the sender's settings, or for now and not sent since.</summary>
    public long MailFailed { get; init; }

    /// <summary>Of <see cref="MailSent"/>, those sent because the day's WhatsApp message to a fallback subscriber failed.</summary>
    public long MailFallbacks { get; init; }

    /// <summary><see cref="Delivered"/> per <see cref="Accepted"/>, from 0 to 1; <see langword="null"/> when nothing was accepted.</summary>
    public double? DeliveredRatio => Accepted == 0 ? null : (double)Delivered / Accepted;

    /// <summary>Counts <paramref name="records"/>, the ledger items of <paramref name="carriedBy"/>, as the report of <paramref name="date"/>.</summary>
    public static DeliveryReport From(DateOnly date, DateOnly carriedBy, IEnumerable<DeliveryRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        long accepted = 0, delivered = 0, read = 0, failed = 0, pending = 0, inProgress = 0, missed = 0;
        long template = 0, freeform = 0, resent = 0, outsideWindow = 0, mailSent = 0, mailFailed = 0, mailFallbacks = 0;
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var marketing = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            // Mail has its own counts: WhatsApp's statuses, forms and error codes are not its.
            if (AddressKey.IsEmail(record.Phone) && record.ErrorCode != DeliveryNames.MissedErrorCode)
            {
                mailSent += record.State == DeliveryState.Sent ? 1 : 0;
                mailFailed += record.State == DeliveryState.Failed ? 1 : 0;
                mailFallbacks += record is { State: DeliveryState.Sent, Form: MessageForm.FallbackEmail } ? 1 : 0;
                inProgress += record.State == DeliveryState.Claimed ? 1 : 0;
                continue;
            }

            string? errorCode = null;
            switch (record.State)
            {
                case DeliveryState.Claimed:
                    inProgress++;
                    continue;
                case DeliveryState.Failed when record.ErrorCode == DeliveryNames.MissedErrorCode:
                    missed++;
                    continue;
                case DeliveryState.Failed:
                    failed++;
                    errorCode = record.ErrorCode;
                    break;
                case DeliveryState.Sent:
                    accepted++;
                    template += record.Form == MessageForm.Template ? 1 : 0;
                    freeform += record.Form == MessageForm.Freeform ? 1 : 0;
                    resent += record.ResentAsTemplate ? 1 : 0;
                    outsideWindow += record.OutsideWindow ? 1 : 0;
                    switch (record.DeliveryStatus)
                    {
                        case DeliveryStatus.Read:
                            read++;
                            delivered++;
                            break;
                        case DeliveryStatus.Delivered:
                            delivered++;
                            break;
                        case DeliveryStatus.Failed or DeliveryStatus.Undelivered:
                            failed++;
                            errorCode = record.DeliveryErrorCode;
                            break;
                        default:
                            pending++;
                            break;
                    }

                    break;
            }

            if (record.State is DeliveryState.Failed || record.DeliveryStatus is DeliveryStatus.Failed or DeliveryStatus.Undelivered)
            {
                var code = string.IsNullOrEmpty(errorCode) ? "unknown" : errorCode;
                errors[code] = errors.GetValueOrDefault(code) + 1;
                if (code == MarketingNotDeliveredCode)
                {
                    var country = E164.CountryCallingCode(record.Phone);
                    marketing[country] = marketing.GetValueOrDefault(country) + 1;
                }
            }
        }

        return new DeliveryReport
        {
            Date = date,
            CarriedBy = carriedBy,
            Accepted = accepted,
            Delivered = delivered,
            Read = read,
            Failed = failed,
            Pending = pending,
            InProgress = inProgress,
            Missed = missed,
            Template = template,
            Freeform = freeform,
            ResentAsTemplate = resent,
            OutsideWindow = outsideWindow,
            Errors = errors,
            MarketingNotDeliveredByCountry = marketing,
            MailSent = mailSent,
            MailFailed = mailFailed,
            MailFallbacks = mailFallbacks,
        };
    }

    /// <summary>One line of camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The report as a table for people, with a sentence for each thing the operator should act on.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        var date = Date.ToString(DateFormat, CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"Delivery report for {date}");
        if (CarriedBy != Date)
        {
            text.Append(CultureInfo.InvariantCulture, $" (a rest day: its study went out with the message of {CarriedBy.ToString(DateFormat, CultureInfo.InvariantCulture)})");
        }

        text.AppendLine();
        Row(text, "accepted", Accepted);
        Row(text, "delivered", Delivered, DeliveredRatio is { } ratio ? $"{ratio * 100:0}% of accepted" : null);
        Row(text, "read", Read);
        Row(text, "failed", Failed);
        Row(text, "pending", Pending, Pending > 0 ? "no final status yet" : null);
        if (InProgress > 0)
        {
            Row(text, "in progress", InProgress, "a run holds these now");
        }

        if (Missed > 0)
        {
            Row(text, "missed", Missed, "not sent: the subscriber's day ended before a tick could send it (never sent late)");
        }

        Row(text, "template", Template, ResentAsTemplate > 0 ? $"{ResentAsTemplate} resent as the template after 63016" : null);
        Row(text, "freeform", Freeform, OutsideWindow > 0 ? $"{OutsideWindow} outside the 24-hour window (no template configured)" : null);
        foreach (var (code, count) in Errors)
        {
            Row(text, $"  error {code}", count);
        }

        if (MailSent + MailFailed > 0)
        {
            Row(text, "mail sent", MailSent, MailFallbacks > 0 ? $"{MailFallbacks} as the fallback after a failed WhatsApp message" : null);
            Row(text, "mail failed", MailFailed);
        }

        if (MarketingNotDeliveredByCountry.Count > 0)
        {
            var countries = string.Join(", ", MarketingNotDeliveredByCountry.Select(c => $"{c.Key}: {c.Value}"));
            text.AppendLine(CultureInfo.InvariantCulture, $"WhatsApp did not deliver the marketing template to {MarketingNotDeliveredByCountry.Values.Sum()} reader(s) ({countries}).");
            text.AppendLine("They need another channel (email), or must write to the WhatsApp number first so that a freeform message can reach them.");
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, string label, long count, string? note = null)
    {
        text.Append(CultureInfo.InvariantCulture, $"  {label,-16}{count,8}");
        if (note is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"   {note}");
        }

        text.AppendLine();
    }
}
