using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Delivery;

/// <summary>
/// The delivery-status callbacks every host serves (<see cref="RoutePaths.Status"/>): the messaging provider reports
/// each message's fate (accepted, sent, delivered, read, or failed/undelivered with an error code) and the ledger
/// item of that message records it.
/// </summary>
/// <remarks>
/// <para>
/// The callback URL carries the study date (<c>?date=yyyy-MM-dd</c>, see <see cref="CallbackUrl"/>) and the report
/// names the recipient, which together are the ledger item's key, so no callback needs a scan. The item must carry the
/// reported message id, else the callback is of another (earlier) message and is ignored.
/// </para>
/// <para>
/// Providers retry callbacks that fail and send some twice, out of order, so every verified callback is answered
/// 200 at once, also when it is stale, repeated, older than what is recorded, or about an unknown item: the ledger
/// only moves forward (<see cref="IDeliveryLedger.RecordStatusAsync"/>). Unverified requests get 403 and write
/// nothing; verified ones without a required field 400; other methods 405, other content types 415, bodies over
/// 64 KiB 413. Thread-safe.
/// </para>
/// <para>
/// A failure the provider explains as "template required" (<see cref="SendFailureKind.TemplateRequired"/>: a freeform
/// message outside WhatsApp's 24-hour window) is resent as the template once, by <see cref="TemplateResender"/>, before
/// the callback is answered: that is one conditional ledger write and one send, well within the provider's callback
/// timeout, and a host that freezes its process after answering (a function) would never run it afterwards. The
/// ledger's resend claim lets one callback win, so a repeated or retried callback never sends twice. The answer
/// carries <c>resend</c> then. Without a template it is only logged. A failure for the sender's messaging limit
/// (<see cref="SendFailureKind.MessagingLimit"/>) is logged as an error.
/// A failure the ledger recorded then goes through <see cref="UnreachableRule"/>, which may mark the number unreachable.
/// </para>
/// </remarks>
public sealed partial class DeliveryStatusEndpoint : IEndpointRoute
{
    /// <summary>The query parameter of the callback URL that carries the study date.</summary>
    public const string DateParameter = "date";

    private const string DateFormat = "yyyy-MM-dd";
    private const string FormContentType = "application/x-www-form-urlencoded";
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "POST" };

    private readonly IDeliveryLedger _ledger;
    private readonly IDeliveryStatusWebhook _webhook;
    private readonly TemplateResender _resender;
    private readonly UnreachableRule _unreachable;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryStatusEndpoint> _logger;
    private readonly FallbackMail? _fallback;

    /// <summary>Creates the endpoint.</summary>
    public DeliveryStatusEndpoint(
        IDeliveryLedger ledger,
        IDeliveryStatusWebhook webhook,
        TemplateResender resender,
        UnreachableRule unreachable,
        TimeProvider time,
        ILogger<DeliveryStatusEndpoint> logger,
        FallbackMail? fallback = null)
    {
        _ledger = ledger;
        _webhook = webhook;
        _resender = resender;
        _unreachable = unreachable;
        _time = time;
        _logger = logger;
        _fallback = fallback;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.Status];

    /// <summary>
    /// The URL to give the provider for the message of <paramref name="studyDate"/>: <paramref name="baseUrl"/> with
    /// <c>date=yyyy-MM-dd</c> added to its query.
    /// </summary>
    public static Uri CallbackUrl(Uri baseUrl, DateOnly studyDate)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var parameter = $"{DateParameter}={studyDate.ToString(DateFormat, CultureInfo.InvariantCulture)}";
        var separator = baseUrl.Query.Length > 1 ? "&" : baseUrl.Query.Length == 1 ? string.Empty : "?";
        return new Uri(baseUrl.GetLeftPart(UriPartial.Query) + separator + parameter);
    }

    /// <summary>Where the callbacks go when no URL is configured: the public origin's <see cref="RoutePaths.Status"/>.</summary>
    public static Uri? DefaultCallbackUrl(Uri? publicConsentUrl) => publicConsentUrl is null ? null : new Uri(publicConsentUrl, RoutePaths.Status);

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return EndpointResponse.Error(405, $"{request.Method} is not supported here; status callbacks are POSTed.", AllowHeader);
        }

        if (request.Body.Length > RequestBody.MaxBytes)
        {
            return EndpointResponse.Error(413, "The request body is larger than 64 KiB.");
        }

        if (RequestBody.MediaType(request.Header("Content-Type")) != FormContentType)
        {
            return EndpointResponse.Error(415, "Status callbacks are forms (application/x-www-form-urlencoded).");
        }

        if (!request.TryReadForm(out var form))
        {
            return EndpointResponse.Error(400, "The form data could not be read.");
        }

        var reading = _webhook.Read(request, form);
        switch (reading.Kind)
        {
            case DeliveryStatusReadingKind.Refused:
                LogRefused(_logger, PhoneMask.Mask(reading.ClaimedRecipient), reading.Error);
                return EndpointResponse.Error(403, reading.Error ?? "The callback could not be verified.");
            case DeliveryStatusReadingKind.Malformed:
                return EndpointResponse.Error(400, reading.Error ?? "The callback could not be read.");
            case DeliveryStatusReadingKind.Ignored:
                LogIgnored(_logger, PhoneMask.Mask(reading.ClaimedRecipient), reading.Error);
                return Answer(applied: false, "ignored");
        }

        var update = reading.Update!;
        if (!TryReadDate(request, out var studyDate))
        {
            return EndpointResponse.Error(400, $"The callback URL lacks its {DateParameter}=yyyy-MM-dd parameter.");
        }

        var phone = WhatsAppAddress.ToPhone(update.RecipientPhone);
        if (phone is null || !E164.IsValid(phone))
        {
            return EndpointResponse.Error(400, "The callback's recipient is not a phone number.");
        }

        var status = update.Status;
        var now = _time.GetUtcNow();
        var applied = await _ledger.RecordStatusAsync(studyDate, phone, update.ProviderMessageId, status, update.ErrorCode, now, cancellationToken)
            .ConfigureAwait(false);
        if (applied && update.Failure == SendFailureKind.MessagingLimit)
        {
            LogMessagingLimit(_logger, PhoneMask.Mask(phone), studyDate, update.ErrorCode);
        }

        // Also when not applied: a retried callback whose first delivery died before resending still resends; the
        // ledger's claim keeps it to once.
        var resend = update.Failure == SendFailureKind.TemplateRequired && status is DeliveryStatus.Failed or DeliveryStatus.Undelivered
            ? await _resender.ResendAsync(studyDate, phone, update.ProviderMessageId, cancellationToken).ConfigureAwait(false)
            : null;
        if (applied)
        {
            LogRecorded(_logger, PhoneMask.Mask(phone), studyDate, status.ToName(), update.ErrorCode);
            await _unreachable.ApplyAsync(studyDate, phone, status, update.ErrorCode, now, cancellationToken).ConfigureAwait(false);
            return Answer(applied: true, status.ToName(), resend, await FallbackAsync(studyDate, phone, update, resend, cancellationToken).ConfigureAwait(false));
        }

        // Not applied: only the log needs to know why, so the read happens off the common path.
        var item = await _ledger.GetAsync(studyDate, phone, cancellationToken).ConfigureAwait(false);
        if (item is null)
        {
            LogUnknownItem(_logger, PhoneMask.Mask(phone), studyDate, status.ToName());
            return Answer(applied: false, "unknown", resend);
        }

        if (!string.Equals(item.MessageId, update.ProviderMessageId, StringComparison.Ordinal))
        {
            LogStale(_logger, PhoneMask.Mask(phone), studyDate, status.ToName());
            return Answer(applied: false, "stale", resend);
        }

        // A repeated failure tries the fallback again too: a first delivery that died before mailing still mails, and
        // the mail's ledger item keeps it to once.
        LogNotForward(_logger, PhoneMask.Mask(phone), studyDate, status.ToName(), item.DeliveryStatus?.ToName());
        return Answer(applied: false, item.DeliveryStatus?.ToName() ?? "unchanged", resend, await FallbackAsync(studyDate, phone, update, resend, cancellationToken).ConfigureAwait(false));
    }

    private static EndpointResponse Answer(bool applied, string status, string? resend = null, string? fallback = null) => (resend, fallback) switch
    {
        (null, null) => EndpointResponse.JsonBody(200, new { applied, status }),
        (_, null) => EndpointResponse.JsonBody(200, new { applied, status, resend }),
        (null, _) => EndpointResponse.JsonBody(200, new { applied, status, fallback }),
        _ => EndpointResponse.JsonBody(200, new { applied, status, resend, fallback }),
    };

    /// <summary>The fallback mail of a failed message that calls for it (<see cref="FallbackMail.IsCalledFor"/>): what happened to it, or <see langword="null"/>.</summary>
    private async Task<string?> FallbackAsync(DateOnly studyDate, string phone, DeliveryStatusUpdate update, string? resend, CancellationToken cancellationToken)
    {
        if (_fallback is null || update.Status is not (DeliveryStatus.Failed or DeliveryStatus.Undelivered)
            || !FallbackMail.IsCalledFor(update.Failure, update.ErrorCode, resend is "resent" or "not-resent"))
        {
            return null;
        }

        return await _fallback.SendAsync(studyDate, phone, cancellationToken).ConfigureAwait(false) is { } delivery ? Name(delivery) : null;
    }

    private static string Name(MailDelivery delivery) => delivery switch
    {
        MailDelivery.Sent => "sent",
        MailDelivery.AlreadySent => "already-sent",
        MailDelivery.Failed => "failed",
        MailDelivery.Retry => "retry",
        _ => "in-progress",
    };

    private static bool TryReadDate(EndpointRequest request, out DateOnly date)
    {
        date = default;
        return RequestBody.TryParseForm(Encoding.UTF8.GetBytes(request.QueryString), out var query)
            && query.TryGetValue(DateParameter, out var text)
            && DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status callback for {Phone} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string phone, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status callback for {Phone} ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string phone, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message of {StudyDate} to {Phone} is {Status} (error {ErrorCode})")]
    private static partial void LogRecorded(ILogger logger, string phone, DateOnly studyDate, string status, string? errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message of {StudyDate} to {Phone} failed for the sender's messaging limit ({ErrorCode}); later recipients will fail too until the limit rises")]
    private static partial void LogMessagingLimit(ILogger logger, string phone, DateOnly studyDate, string? errorCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Status callback {Status} for {Phone} on {StudyDate} matches no ledger item; nothing written")]
    private static partial void LogUnknownItem(ILogger logger, string phone, DateOnly studyDate, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Status callback {Status} for {Phone} on {StudyDate} is about another message; ignored")]
    private static partial void LogStale(ILogger logger, string phone, DateOnly studyDate, string status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status callback {Status} for {Phone} on {StudyDate} does not advance {Current}; ignored")]
    private static partial void LogNotForward(ILogger logger, string phone, DateOnly studyDate, string status, string? current);
}
