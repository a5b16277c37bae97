using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>Sends a day's mail to one address, exactly once per (study date, address), through the delivery ledger.</summary>
/// <remarks>
/// <para>
/// The ledger keys a mail by <see cref="AddressKey.ForEmail"/> of its address beside the WhatsApp deliveries of the
/// same date, with the same claims and leases, so reruns, overlapping runs and a killed run send it once. A run that
/// died between the server's acceptance and the ledger's record cannot ask the server what it took; the mail is sent
/// again with the same <c>Message-Id</c> (derived from date and address), which mail stores show once.
/// </para>
/// <para>
/// A permanent refusal of the recipient (SMTP 5xx) fails the date for good and marks the address undeliverable
/// (<see cref="EmailChangeKind.Undeliverable"/>), so no later day mails it; a refusal on the sending side fails the
/// date; a temporary one leaves it to the next tick of the day, which is the back-off. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class DailyMail
{
    private readonly IMailSender? _sender;
    private readonly IDeliveryLedger _ledger;
    private readonly ISubscriberStore? _store;
    private readonly EmailSubscriptions _subscriptions;
    private readonly SendOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DailyMail> _logger;

    /// <summary>Creates the service: <paramref name="store"/> is where undeliverable addresses are marked; without a <paramref name="sender"/> nothing is mailed.</summary>
    public DailyMail(
        IDeliveryLedger ledger,
        EmailSubscriptions subscriptions,
        IOptions<SendOptions> options,
        TimeProvider time,
        ILogger<DailyMail> logger,
        ISubscriberStore? store = null,
        IMailSender? sender = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sender = sender;
        _ledger = ledger;
        _store = store;
        _subscriptions = subscriptions;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether mail can go out here (<see cref="EmailSubscriptions.IsEnabled"/>).</summary>
    public bool IsEnabled => _sender is not null && _subscriptions.IsEnabled;

    /// <summary>Sends <paramref name="message"/> as mail to <paramref name="address"/> of the subscriber keyed <paramref name="key"/>.</summary>
    /// <param name="key">The subscriber's key, for its unsubscribe link.</param>
    /// <param name="address">The confirmed address.</param>
    /// <param name="message">The day's message.</param>
    /// <param name="form"><see cref="MessageForm.Email"/>, or <see cref="MessageForm.FallbackEmail"/> after a failed WhatsApp day.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<MailDelivery> ServeAsync(string key, string address, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var date = message.Date;
        var ledgerKey = AddressKey.ForEmail(address);
        var claim = await _ledger.TryClaimAsync(date, ledgerKey, _time.GetUtcNow(), _options.Lease, cancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            return (await _ledger.GetAsync(date, ledgerKey, cancellationToken).ConfigureAwait(false))?.State switch
            {
                DeliveryState.Sent => MailDelivery.AlreadySent,
                DeliveryState.Failed => MailDelivery.Failed,
                _ => MailDelivery.InProgressElsewhere,
            };
        }

        var (links, headers) = _subscriptions.LinksFor(key, address);
        var mail = EmailRenderer.Render(message.Content, links);
        var outcome = await (_sender ?? throw new InvalidOperationException(EmailSubscriptions.NotAvailable)).SendAsync(
            new OutgoingMail { To = address, Subject = mail.Subject, Html = mail.Html, Text = mail.Text, Headers = headers, MessageKey = MessageKey(date, address) },
            cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var masked = EmailMask.Mask(address);
        if (outcome.Accepted)
        {
            await _ledger.MarkSentAsync(date, ledgerKey, claim.ClaimId, outcome.MessageId ?? string.Empty, now, form, cancellationToken: cancellationToken).ConfigureAwait(false);
            return MailDelivery.Sent;
        }

        var code = outcome.StatusCode is { } status ? $"smtp-{status}" : "smtp";
        var final = outcome.Failure is MailFailureKind.Permanent or MailFailureKind.Rejected;
        await _ledger.MarkFailedAsync(date, ledgerKey, claim.ClaimId, code, final, now, cancellationToken).ConfigureAwait(false);
        LogFailed(_logger, masked, date, code, outcome.Failure, outcome.Detail);
        if (outcome.Failure == MailFailureKind.Permanent && _store is not null)
        {
            var evidence = new ConsentEvidence(Actor: "daily-mail", ErrorCode: code, Note: Truncate(outcome.Detail, 300));
            await _store.ChangeEmailAsync(new EmailChange(key, EmailChangeKind.Undeliverable, address, ConsentSource.Delivery, evidence, now), cancellationToken)
                .ConfigureAwait(false);
        }

        return final ? MailDelivery.Failed : MailDelivery.Retry;
    }

    /// <summary>
    /// Whether <paramref name="studyDate"/>'s mail to <paramref name="address"/> was started and is still to be sent:
    /// its ledger item failed for now (or its claim lapses), so a later run may finish it.
    /// </summary>
    public async Task<bool> IsUnfinishedAsync(DateOnly studyDate, string address, CancellationToken cancellationToken = default) =>
        await _ledger.GetAsync(studyDate, AddressKey.ForEmail(address), cancellationToken).ConfigureAwait(false) is { State: not DeliveryState.Sent, Permanent: false };

    // Date and a digest of the address: stable across attempts, and the address itself stays out of headers it need not be in.
    private static string MessageKey(DateOnly date, string address) =>
        string.Create(CultureInfo.InvariantCulture, $"mitzvah.{date:yyyyMMdd}.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..24]}");

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail of {StudyDate} to {Address} failed ({Code}, {Failure}): {Detail}")]
    private static partial void LogFailed(ILogger logger, string address, DateOnly studyDate, string code, MailFailureKind? failure, string? detail);
}
