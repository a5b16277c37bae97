using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Mail;

/// <summary>
/// Email sign-up, double opt-in and unsubscribe: the one place where mail addresses join and leave, whichever way
/// they come (the web form, WhatsApp's EMAIL keyword, the command line, a link in a mail).
/// </summary>
/// <remarks>
/// <para>
/// A sign-up records the address unconfirmed and mails it a signed link (<see cref="EmailLinkSigner"/>) that lasts
/// <see cref="MailOptions.ConfirmationLifetime"/>; nothing else is mailed to it until the link is opened. An address
/// alone is a subscriber of its own (keyed <see cref="AddressKey.ForEmail"/>, pending until confirmed: confirming is
/// its opt-in); beside a subscribed number it is linked to that number (<see cref="EmailChangeKind.Link"/>) and
/// confirming is an email change. Both are history entries with the address, IP, user agent and time.
/// </para>
/// <para>
/// Unsubscribing through a mail's link ends an email-only subscription, or the mail of a number whose channel is
/// email alone, as an opt-out; otherwise it removes the address and WhatsApp goes on. Every link can be opened any
/// number of times: what is already so is said, not written again. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class EmailSubscriptions
{
    private readonly ISubscriberStore? _subscribers;
    private readonly IMailSender? _sender;
    private readonly EmailLinkSigner _signer;
    private readonly MailOptions _mail;
    private readonly ConsentOptions _consent;
    private readonly TimeProvider _time;
    private readonly ILogger<EmailSubscriptions> _logger;

    /// <summary>Creates the service; without a <paramref name="store"/> or a <paramref name="sender"/> (no mail set up) sign-ups are refused.</summary>
    public EmailSubscriptions(
        EmailLinkSigner signer,
        IOptions<MailOptions> mail,
        IOptions<ConsentOptions> consent,
        TimeProvider time,
        ILogger<EmailSubscriptions> logger,
        ISubscriberStore? store = null,
        IMailSender? sender = null)
    {
        ArgumentNullException.ThrowIfNull(mail);
        ArgumentNullException.ThrowIfNull(consent);
        _subscribers = store;
        _sender = sender;
        _signer = signer;
        _mail = mail.Value;
        _consent = consent.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether mail can be sent and links signed here; without it, sign-ups are refused.</summary>
    public bool IsEnabled => _subscribers is not null && _sender is not null && _signer.IsEnabled && _mail.LinkBaseUrl is not null;

    /// <summary>Why email is not available, for a 503 answer.</summary>
    public static string NotAvailable => "Email subscriptions are not available on this service yet; please subscribe on WhatsApp.";

    /// <summary>Records an address unconfirmed and mails its confirmation link.</summary>
    /// <exception cref="ArgumentException">The address is not valid (<see cref="EmailAddress.Problem"/>), or the number is not E.164.</exception>
    /// <exception cref="InvalidOperationException">Mail is not set up (<see cref="IsEnabled"/>).</exception>
    public async Task<(EmailSubscribeOutcome Outcome, Subscriber? Subscriber)> SubscribeAsync(EmailSubscribeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Checked as stored (trimmed): a form's stray spaces are not the address's.
        if (EmailAddress.Problem(request.Address.Trim()) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        if (!IsEnabled)
        {
            throw new InvalidOperationException(NotAvailable);
        }

        var address = EmailAddress.Normalize(request.Address);
        var now = _time.GetUtcNow();
        var evidence = request.Evidence with { Email = address };
        Subscriber subscriber;
        if (request.Phone is null)
        {
            var key = AddressKey.ForEmail(address);
            var current = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is { Status: ConsentStatus.OptedIn })
            {
                return (EmailSubscribeOutcome.AlreadyConfirmed, current);
            }

            var preferences = (request.Preferences ?? DeliveryPreferences.OperatorDefaults) with { Channel = null };
            var result = await Store.RecordConsentAsync(new ConsentChange(key, ConsentStatus.Pending, request.Source, evidence, now, preferences), cancellationToken)
                .ConfigureAwait(false);
            subscriber = result.Subscriber;
        }
        else
        {
            E164.ThrowIfInvalid(request.Phone, nameof(request));
            var current = await Store.GetAsync(request.Phone, cancellationToken).ConfigureAwait(false);
            if (current is null or { Status: ConsentStatus.OptedOut or ConsentStatus.Invalid })
            {
                return (EmailSubscribeOutcome.UnknownPhone, current);
            }

            var channel = request.Channel ?? DeliveryChannel.Both;
            if (current.IsEmailConfirmed && current.EmailUndeliverableAt is null
                && string.Equals(current.Addresses.Email, address, StringComparison.Ordinal) && current.Preferences.Channel == channel)
            {
                return (EmailSubscribeOutcome.AlreadyConfirmed, current);
            }

            var link = new EmailChange(request.Phone, EmailChangeKind.Link, address, request.Source, evidence, now, channel);
            subscriber = (await Store.ChangeEmailAsync(link, cancellationToken).ConfigureAwait(false))?.Subscriber ?? current;
            if (subscriber.IsEmailConfirmed)
            {
                // The same confirmed address with a new channel choice: nothing to confirm again.
                return (EmailSubscribeOutcome.AlreadyConfirmed, subscriber);
            }
        }

        var sent = await SendConfirmationAsync(subscriber.Phone, address, now, cancellationToken).ConfigureAwait(false);
        return (sent ? EmailSubscribeOutcome.ConfirmationSent : EmailSubscribeOutcome.ConfirmationFailed, subscriber);
    }

    /// <summary>Opens a confirmation link.</summary>
    /// <param name="token">The link's token.</param>
    /// <param name="evidence">Who opened it (IP, user agent).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<EmailLinkResult> ConfirmAsync(string? token, ConsentEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var now = _time.GetUtcNow();
        var (link, problem, expired) = _signer.Verify(token, EmailLinkPurpose.Confirm, now);
        if (link is null)
        {
            return new EmailLinkResult(expired ? EmailLinkOutcome.Expired : EmailLinkOutcome.Invalid, problem!);
        }

        var current = await Store.GetAsync(link.Key, cancellationToken).ConfigureAwait(false);
        if (current is null || !string.Equals(current.Addresses.Email, link.Address, StringComparison.Ordinal))
        {
            return new EmailLinkResult(EmailLinkOutcome.Invalid, "This address is no longer on a subscription. Please subscribe again.");
        }

        var masked = EmailMask.Mask(link.Address);
        if (current.IsEmailConfirmed)
        {
            return new EmailLinkResult(EmailLinkOutcome.AlreadyDone, $"{masked} is confirmed already: nothing more to do.", link.Address);
        }

        var confirmEvidence = evidence with { Email = link.Address, Note = "email confirmation link" };
        Subscriber confirmed;
        if (AddressKey.IsEmail(current.Phone))
        {
            if (current.Status != ConsentStatus.Pending)
            {
                return new EmailLinkResult(EmailLinkOutcome.Invalid, "You unsubscribed after this link was sent. Please subscribe again to get a new link.");
            }

            confirmed = (await Store.RecordConsentAsync(new ConsentChange(current.Phone, ConsentStatus.OptedIn, ConsentSource.WebForm, confirmEvidence, now), cancellationToken)
                .ConfigureAwait(false)).Subscriber;
        }
        else
        {
            var change = new EmailChange(current.Phone, EmailChangeKind.Confirm, link.Address, ConsentSource.WebForm, confirmEvidence, now);
            confirmed = (await Store.ChangeEmailAsync(change, cancellationToken).ConfigureAwait(false))?.Subscriber ?? current;
        }

        LogConfirmed(_logger, EmailMask.Mask(link.Address), confirmed.Version);
        return new EmailLinkResult(EmailLinkOutcome.Done, $"Thank you: {masked} is confirmed. The daily study comes by email from your next send time.", link.Address);
    }

    /// <summary>Checks a confirmation link without acting on it (the page that asks before the button).</summary>
    public EmailLinkResult CheckConfirm(string? token)
    {
        var (link, problem, expired) = _signer.Verify(token, EmailLinkPurpose.Confirm, _time.GetUtcNow());
        return link is null
            ? new EmailLinkResult(expired ? EmailLinkOutcome.Expired : EmailLinkOutcome.Invalid, problem!)
            : new EmailLinkResult(EmailLinkOutcome.Done, $"Get the daily study of {_consent.ServiceName} at {EmailMask.Mask(link.Address)}?", link.Address);
    }

    /// <summary>Checks an unsubscribe link without acting on it (the page that asks before the button).</summary>
    public EmailLinkResult CheckUnsubscribe(string? token)
    {
        var (link, problem, _) = _signer.Verify(token, EmailLinkPurpose.Unsubscribe, _time.GetUtcNow());
        return link is null
            ? new EmailLinkResult(EmailLinkOutcome.Invalid, problem!)
            : new EmailLinkResult(EmailLinkOutcome.Done, $"Unsubscribe {EmailMask.Mask(link.Address)} from {_consent.ServiceName}?", link.Address);
    }

    /// <summary>Opens an unsubscribe link: at once, with no login (RFC 8058's one-click POST, or the page's button).</summary>
    public async Task<EmailLinkResult> UnsubscribeAsync(string? token, ConsentEvidence evidence, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var now = _time.GetUtcNow();
        var (link, problem, _) = _signer.Verify(token, EmailLinkPurpose.Unsubscribe, now);
        if (link is null)
        {
            return new EmailLinkResult(EmailLinkOutcome.Invalid, problem!);
        }

        var masked = EmailMask.Mask(link.Address);
        var done = new EmailLinkResult(EmailLinkOutcome.Done, $"{masked} is unsubscribed: no more daily mail will be sent to it.", link.Address);
        var already = new EmailLinkResult(EmailLinkOutcome.AlreadyDone, $"{masked} is unsubscribed already: no daily mail goes to it.", link.Address);
        var current = await Store.GetAsync(link.Key, cancellationToken).ConfigureAwait(false);
        if (current is null || !string.Equals(current.Addresses.Email, link.Address, StringComparison.Ordinal))
        {
            return already;
        }

        var leaveEvidence = evidence with { Email = link.Address };
        bool changed;
        if (AddressKey.IsEmail(current.Phone) || current.EffectiveChannel == DeliveryChannel.Email)
        {
            // The mail was the whole subscription: leaving it is an opt-out.
            changed = (await Store.RecordConsentAsync(new ConsentChange(current.Phone, ConsentStatus.OptedOut, ConsentSource.WebForm, leaveEvidence, now), cancellationToken)
                .ConfigureAwait(false)).Changed;
        }
        else
        {
            var change = new EmailChange(current.Phone, EmailChangeKind.Remove, link.Address, ConsentSource.WebForm, leaveEvidence, now);
            changed = (await Store.ChangeEmailAsync(change, cancellationToken).ConfigureAwait(false))?.Changed ?? false;
        }

        if (changed)
        {
            LogUnsubscribed(_logger, masked);
        }

        return changed ? done : already;
    }

    /// <summary>The footer and header links of a mail to <paramref name="address"/> of the subscriber keyed <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">Mail is not set up (<see cref="IsEnabled"/>).</exception>
    public (EmailLinks Links, IReadOnlyDictionary<string, string> Headers) LinksFor(string key, string address)
    {
        var token = _signer.Sign(EmailLinkPurpose.Unsubscribe, key, address, _time.GetUtcNow());
        var unsubscribe = Link(RoutePaths.Unsubscribe, token);
        var headers = new Dictionary<string, string>
        {
            // RFC 2369 and RFC 8058: the https link takes a one-click POST; mailto for clients that only send mail.
            ["List-Unsubscribe"] = $"<{unsubscribe.AbsoluteUri}>, <mailto:{EmailAddress.Normalize(Sender.Sender)}?subject=unsubscribe>",
            ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
        };
        return (new EmailLinks { Unsubscribe = unsubscribe }, headers);
    }

    private ISubscriberStore Store => _subscribers ?? throw new InvalidOperationException(NotAvailable);

    private IMailSender Sender => _sender ?? throw new InvalidOperationException(NotAvailable);

    private async Task<bool> SendConfirmationAsync(string key, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = _signer.Sign(EmailLinkPurpose.Confirm, key, address, now);
        var mail = EmailRenderer.RenderConfirmation(Link(RoutePaths.EmailConfirm, token), _mail.ConfirmationLifetime);
        var outcome = await Sender.SendAsync(new OutgoingMail { To = address, Subject = mail.Subject, Html = mail.Html, Text = mail.Text }, cancellationToken)
            .ConfigureAwait(false);
        if (!outcome.Accepted)
        {
            LogConfirmationFailed(_logger, EmailMask.Mask(address), outcome.Failure, outcome.Detail);
        }

        return outcome.Accepted;
    }

    private Uri Link(string path, string token) =>
        new(_mail.LinkBaseUrl ?? throw new InvalidOperationException(NotAvailable), $"{path}?token={token}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {Address} confirmed (version {Version})")]
    private static partial void LogConfirmed(ILogger logger, string address, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {Address} unsubscribed")]
    private static partial void LogUnsubscribed(ILogger logger, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Confirmation mail to {Address} not sent ({Failure}): {Detail}")]
    private static partial void LogConfirmationFailed(ILogger logger, string address, MailFailureKind? failure, string? detail);
}
