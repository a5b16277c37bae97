using Microsoft.Extensions.Logging;
using System.Globalization;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Health;
using Mitzvah.Core.Limits;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Sending;
using NodaTime.TimeZones;

namespace Mitzvah.Core.Consent;

/// <summary>
/// The consent endpoint every host serves (<see cref="RoutePaths.Consent"/>): the messaging provider's inbound-message
/// webhook, the web opt-in form, and the health report on GET.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>GET/HEAD: the same health report as <see cref="RoutePaths.Health"/>; no secrets.</item>
/// <item>POST form that the <see cref="IInboundWebhook"/> recognises as its webhook: it must verify it, else 403 and
/// nothing is written. The reply is rendered by the same adapter. Every verified inbound message, whatever its text,
/// records the sender's <see cref="Subscriber.LastInboundAt"/> (after any consent change it makes).</item>
/// <item>POST JSON or other form: the web opt-in (<c>phone</c>, <c>consent</c>, <c>action</c>, optional <c>token</c>,
/// and optional delivery choices <c>timeZone</c> (IANA id), <c>sendTime</c> (<c>HH:mm</c> on a quarter hour) and
/// <c>calendar</c> (<c>israel</c> or <c>diaspora</c>); a bad choice is 400 naming the field, nothing written).
/// An opt-in makes the number <see cref="ConsentStatus.Pending"/> (a subscribed number stays subscribed) until its
/// owner writes an opt-in keyword, and is limited per client address per hour (<see cref="ConsentOptions.WebOptInsPerHour"/>,
/// 429 with <c>Retry-After</c> beyond it, nothing written). A new number starts with <see cref="JoinDefaults"/>
/// overridden by the choices given; a number already on record keeps its preferences (the reply says so), so that a
/// form cannot change someone else's settings. An opt-out is immediate.</item>
/// <item>A subscribed number's preference keywords (<see cref="PreferenceCommand"/>: TIME, ZONE, ISRAEL, DIASPORA,
/// PAUSE, RESUME) change its preferences as a preference change, not a consent change, and the reply names the new
/// setting and the next message; an invalid value changes nothing and the reply gives an example. A number that is not
/// subscribed is told to join first, and nothing is changed. An opt-in keyword records <see cref="JoinDefaults"/> for a
/// new number.</item>
/// <item>Any inbound message clears the number's unreachable mark before its keyword is handled.</item>
/// <item>Other methods 405, other content types 415, bodies over 64 KiB 413, malformed bodies 400.</item>
/// </list>
/// Repeating a request is harmless: a change to the status a number already has writes nothing. Thread-safe.
/// </remarks>
public sealed partial class ConsentEndpoint : IEndpointRoute
{
    private const string FormContentType = "application/x-www-form-urlencoded";
    private const string JsonContentType = "application/json";
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD, POST" };
    private static readonly TimeSpan LimitWindow = TimeSpan.FromHours(1);

    /// <summary>The <see cref="IRateLimiter"/> scope of web opt-ins.</summary>
    public const string WebOptInScope = "web-optin";

    private readonly ISubscriberStore _store;
    private readonly IPhoneNumberNormalizer _phones;
    private readonly IInboundWebhook _webhook;
    private readonly HealthEndpoint _health;
    private readonly IRateLimiter _limiter;
    private readonly IConsentConfirmationSender _confirmation;
    private readonly TimeProvider _time;
    private readonly ConsentOptions _options;
    private readonly ScheduleOptions _schedule;
    private readonly IPhoneTimeZones _zones;
    private readonly SendSchedule _sendSchedule;
    private readonly IDeliveryLedger _ledger;
    private readonly ILogger<ConsentEndpoint> _logger;
    private readonly EmailSubscriptions? _email;
    private readonly MailOptions _mail;

    /// <summary>Creates the endpoint; without <paramref name="email"/> (or with mail not set up) email sign-ups are refused.</summary>
    public ConsentEndpoint(
        ISubscriberStore store,
        IPhoneNumberNormalizer phones,
        IInboundWebhook webhook,
        HealthEndpoint health,
        IRateLimiter limiter,
        IConsentConfirmationSender confirmation,
        TimeProvider time,
        IOptions<ConsentOptions> options,
        IOptions<ScheduleOptions> schedule,
        IPhoneTimeZones zones,
        SendSchedule sendSchedule,
        IDeliveryLedger ledger,
        ILogger<ConsentEndpoint> logger,
        EmailSubscriptions? email = null,
        IOptions<MailOptions>? mail = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        _store = store;
        _phones = phones;
        _webhook = webhook;
        _health = health;
        _limiter = limiter;
        _confirmation = confirmation;
        _time = time;
        _options = options.Value;
        _schedule = schedule.Value;
        _zones = zones;
        _sendSchedule = sendSchedule;
        _ledger = ledger;
        _logger = logger;
        _email = email;
        _mail = mail?.Value ?? new MailOptions();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.Consent];

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Method.ToUpperInvariant())
        {
            case "GET":
            case "HEAD":
                return await _health.HandleAsync(request, cancellationToken).ConfigureAwait(false);
            case "POST":
                break;
            default:
                return EndpointResponse.Error(405, $"{request.Method} is not supported here; use GET or POST.", AllowHeader);
        }

        if (request.Body.Length > RequestBody.MaxBytes)
        {
            return EndpointResponse.Error(413, "The request body is larger than 64 KiB.");
        }

        var mediaType = RequestBody.MediaType(request.Header("Content-Type"));
        if (mediaType == FormContentType)
        {
            if (!request.TryReadForm(out var form))
            {
                return EndpointResponse.Error(400, "The form data could not be read.");
            }

            var inbound = _webhook.Read(request, form);
            return inbound.Kind == InboundReadingKind.NotInbound
                ? await HandleWebFormAsync(request, RequestFields.FromForm(form), cancellationToken).ConfigureAwait(false)
                : await HandleInboundAsync(inbound, cancellationToken).ConfigureAwait(false);
        }

        if (mediaType == JsonContentType)
        {
            return RequestBody.TryParseJsonObject(request.Body, out var json)
                ? await HandleWebFormAsync(request, RequestFields.FromJson(json), cancellationToken).ConfigureAwait(false)
                : EndpointResponse.Error(400, "The request body is not a valid JSON object.");
        }

        return EndpointResponse.Error(415, "Send JSON (application/json) or a form (application/x-www-form-urlencoded).");
    }

    private async Task<EndpointResponse> HandleInboundAsync(InboundReading inbound, CancellationToken cancellationToken)
    {
        if (inbound.Kind == InboundReadingKind.Refused)
        {
            LogInboundRefused(_logger, inbound.Error);
            return EndpointResponse.Error(403, inbound.Error ?? "The webhook could not be verified.");
        }

        var message = inbound.Message;
        if (inbound.Kind == InboundReadingKind.Malformed || message is null)
        {
            return EndpointResponse.Error(400, inbound.Error ?? "The webhook could not be read.");
        }

        var phone = _phones.Normalize(message.SenderAddress);
        if (phone is null)
        {
            LogInboundBadSender(_logger, PhoneMask.Mask(message.SenderAddress));
            return EndpointResponse.Error(400, "The sender is not a phone number.");
        }

        var evidence = new ConsentEvidence(
            Keyword: Truncate(message.Text, 1600),
            MessageId: message.ProviderMessageId,
            To: message.ReceivingAddress);
        var service = _options.ServiceName;
        var now = _time.GetUtcNow();
        var before = await _store.GetAsync(phone, cancellationToken).ConfigureAwait(false);
        var resumed = before is { IsUnreachable: true } && await ClearUnreachableAsync(phone, message, now, cancellationToken).ConfigureAwait(false);
        var keyword = ConsentKeywordParser.Parse(message.Text);
        var command = keyword == ConsentKeyword.Unknown ? PreferenceCommand.Parse(message.Text) : null;
        string reply;
        switch (keyword)
        {
            case ConsentKeyword.OptIn:
                var joined = await ChangeAsync(phone, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, evidence, cancellationToken, JoinPreferences(phone))
                    .ConfigureAwait(false);
                reply = joined.Changed
                    ? ConsentReplies.Subscribed(service, _schedule, _sendSchedule.PreferencesOf(joined.Subscriber))
                    : ConsentReplies.AlreadySubscribed(service);
                break;
            case ConsentKeyword.OptOut:
                var left = await ChangeAsync(phone, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, evidence, cancellationToken).ConfigureAwait(false);
                reply = left.Changed ? ConsentReplies.Unsubscribed(service) : ConsentReplies.NotSubscribed(service);
                break;
            case ConsentKeyword.Status:
                var outlook = before is { Status: ConsentStatus.OptedIn }
                    ? await OutlookAsync(before, now, await SubscribedSinceAsync(before, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)
                    : null;
                reply = ConsentReplies.Status(service, before, now, outlook);
                break;
            case ConsentKeyword.Help:
                reply = ConsentReplies.Help(service);
                break;
            default:
                reply = EmailKeyword(message.Text) is { } address
                    ? await LinkEmailAsync(phone, before, address, evidence, cancellationToken).ConfigureAwait(false)
                    : command is null
                    ? ConsentReplies.Guidance(service)
                    : await ChangePreferencesAsync(phone, before, command, evidence, now, cancellationToken).ConfigureAwait(false);
                break;
        }

        // Every inbound message opens WhatsApp's 24-hour window, whatever it says; after the consent change, so a
        // first JOIN is recorded too.
        await _store.RecordInboundAsync(phone, now, cancellationToken).ConfigureAwait(false);

        // STATUS says it itself; after other keywords that keep the subscription, say that messages resume.
        if (resumed && command is null && keyword is ConsentKeyword.Help or ConsentKeyword.Unknown or ConsentKeyword.OptIn)
        {
            reply = ConsentReplies.Resumed(service) + " " + reply;
        }

        return _webhook.Reply(reply);
    }

    private async Task<EndpointResponse> HandleWebFormAsync(EndpointRequest request, RequestFields fields, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.WebhookToken)
            && !SecretComparer.Matches(request.Header("X-Webhook-Token") ?? fields.Text("token"), _options.WebhookToken))
        {
            LogWebFormRefusedToken(_logger);
            return EndpointResponse.Error(401, "This form needs a valid access token.");
        }

        var action = (fields.Text("action") ?? "optin").Trim().ToLowerInvariant();
        var status = action switch
        {
            "optin" or "opt-in" or "subscribe" => ConsentStatus.OptedIn,
            "optout" or "opt-out" or "unsubscribe" => ConsentStatus.OptedOut,
            _ => (ConsentStatus?)null,
        };
        if (status is null)
        {
            return EndpointResponse.Error(400, "The action must be \"optin\" or \"optout\".");
        }

        if (fields.Text("email") is { } rawEmail && !string.IsNullOrWhiteSpace(rawEmail))
        {
            return await HandleEmailFormAsync(request, fields, status.Value, rawEmail, cancellationToken).ConfigureAwait(false);
        }

        // Without an address only WhatsApp is possible: a channel that mails needs one.
        if (fields.Text("channel") is { } channelName && !string.IsNullOrWhiteSpace(channelName)
            && !string.Equals(channelName.Trim(), DeliveryChannel.WhatsApp.ToName(), StringComparison.OrdinalIgnoreCase))
        {
            return EndpointResponse.Error(400, $"The {channelName.Trim()} channel sends email: please enter your email address as well.");
        }

        var rawPhone = fields.Text("phone");
        if (string.IsNullOrWhiteSpace(rawPhone))
        {
            return EndpointResponse.Error(400, "Please enter your phone number, for example +1 415 555 2671.");
        }

        var phone = _phones.Normalize(rawPhone);
        if (phone is null)
        {
            return EndpointResponse.Error(400, "That is not a valid phone number. Please use international format, for example +1 415 555 2671.");
        }

        var consent = fields.Flag("consent");
        if (consent is null && fields.Text("consent") is not null)
        {
            return EndpointResponse.Error(400, "The consent field must be true or false.");
        }

        if (status == ConsentStatus.OptedIn && consent != true)
        {
            return EndpointResponse.Error(400, "Please tick the box to agree to receive the daily message.");
        }

        var chosen = DeliveryPreferences.OperatorDefaults;
        if (status == ConsentStatus.OptedIn && !TryReadWebChoices(fields, out chosen, out var choiceError))
        {
            return EndpointResponse.Error(400, choiceError);
        }

        var evidence = new ConsentEvidence(
            ConsentTextVersion: _options.ConsentTextVersion,
            IpAddress: request.ClientAddress,
            UserAgent: Truncate(request.Header("User-Agent"), 512));
        var service = _options.ServiceName;
        if (status == ConsentStatus.OptedOut)
        {
            var optedOut = (await ChangeAsync(phone, ConsentStatus.OptedOut, ConsentSource.WebForm, evidence, cancellationToken).ConfigureAwait(false)).Changed;
            var goodbye = optedOut ? ConsentReplies.Unsubscribed(service) : ConsentReplies.NotSubscribed(service);
            return EndpointResponse.JsonBody(200, new { status = ConsentStatus.OptedOut.ToName(), changed = optedOut, phone = PhoneMask.Mask(phone), message = goodbye });
        }

        var now = _time.GetUtcNow();
        if (await LimitWebOptInAsync(request, now, cancellationToken).ConfigureAwait(false) is { } limited)
        {
            return limited;
        }

        // The owner confirms: a number typed in on the web receives nothing until it writes an opt-in keyword itself.
        var joinDefaults = JoinPreferences(phone);
        var wanted = joinDefaults with
        {
            TimeZone = chosen.TimeZone ?? joinDefaults.TimeZone,
            SendTime = chosen.SendTime ?? joinDefaults.SendTime,
            Calendar = chosen.Calendar ?? joinDefaults.Calendar,
        };
        var result = await _store.RecordConsentAsync(new ConsentChange(phone, ConsentStatus.Pending, ConsentSource.WebForm, evidence, now, wanted), cancellationToken)
            .ConfigureAwait(false);
        var subscriber = result.Subscriber;

        // A number on record keeps its own settings: say so when the form asked for others.
        var kept = chosen != DeliveryPreferences.OperatorDefaults && subscriber.Preferences != wanted
            ? " " + ConsentReplies.WebPreferencesKept()
            : string.Empty;
        if (subscriber.Status == ConsentStatus.OptedIn)
        {
            return EndpointResponse.JsonBody(200, new { status = ConsentStatus.OptedIn.ToName(), changed = false, phone = PhoneMask.Mask(phone), message = ConsentReplies.AlreadySubscribed(service) + kept });
        }

        var confirmationSent = false;
        if (result.Changed)
        {
            LogConsentChanged(_logger, PhoneMask.Mask(phone), ConsentStatus.Pending.ToName(), ConsentSource.WebForm.ToName(), subscriber.Version);
            confirmationSent = await SendConfirmationAsync(phone, cancellationToken).ConfigureAwait(false);
        }

        return EndpointResponse.JsonBody(200, new
        {
            status = ConsentStatus.Pending.ToName(),
            changed = result.Changed,
            phone = PhoneMask.Mask(phone),
            message = ConsentReplies.PendingWeb(service, _options.WhatsAppNumber, confirmationSent) + kept,
            confirmUrl = ConfirmUrl(_options.WhatsAppNumber),
            expiresAt = subscriber.PendingExpiresAt,
        });
    }

    /// <summary>The per-client limit of web sign-ups, by phone or by email: a 429 answer once it is reached, else <see langword="null"/>.</summary>
    private async Task<EndpointResponse?> LimitWebOptInAsync(EndpointRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var client = ClientKey(request.ClientAddress);
        var decision = await _limiter.TryAcquireAsync(WebOptInScope, client, _options.WebOptInsPerHour, LimitWindow, now, cancellationToken).ConfigureAwait(false);
        if (decision.Allowed)
        {
            return null;
        }

        LogWebOptInLimited(_logger, decision.RetryAfterSeconds);
        var retry = decision.RetryAfterSeconds;
        var minutes = Math.Max(1, (retry + 59) / 60);
        return EndpointResponse.Error(
            429,
            $"Too many sign-ups from your network in the last hour. Please try again in {minutes} minute{(minutes == 1 ? string.Empty : "s")}, or send JOIN MITZVAH to us on WhatsApp.",
            new Dictionary<string, string> { ["Retry-After"] = retry.ToString(CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// The web form with an email address: an email-only subscription (channel <c>email</c>, the default), or the
    /// address beside a number (<c>both</c>, <c>fallback</c>), which is recorded pending and confirmed on WhatsApp
    /// as a number alone is. Either way the address gets its confirmation link and nothing else until it is opened.
    /// </summary>
    private async Task<EndpointResponse> HandleEmailFormAsync(EndpointRequest request, RequestFields fields, ConsentStatus status, string rawEmail, CancellationToken cancellationToken)
    {
        if (status == ConsentStatus.OptedOut)
        {
            return EndpointResponse.Error(400, "To stop the daily mail, use the unsubscribe link at the foot of any of the mails.");
        }

        if (_email is not { IsEnabled: true } email)
        {
            return EndpointResponse.Error(503, EmailSubscriptions.NotAvailable);
        }

        if (EmailAddress.Problem(rawEmail.Trim()) is { } problem)
        {
            return EndpointResponse.Error(400, problem);
        }

        DeliveryChannel channel;
        try
        {
            channel = fields.Text("channel") is { } name && !string.IsNullOrWhiteSpace(name) ? PreferenceNames.ParseChannel(name) : DeliveryChannel.Email;
        }
        catch (FormatException ex)
        {
            return EndpointResponse.Error(400, ex.Message);
        }

        if (channel == DeliveryChannel.WhatsApp)
        {
            return EndpointResponse.Error(400, "The whatsapp channel does not use an email address: choose email, both or fallback, or leave the address out.");
        }

        string? phone = null;
        if (channel != DeliveryChannel.Email)
        {
            var rawPhone = fields.Text("phone");
            if (string.IsNullOrWhiteSpace(rawPhone))
            {
                return EndpointResponse.Error(400, $"The {channel.ToName()} channel sends WhatsApp messages too: please enter your phone number as well.");
            }

            phone = _phones.Normalize(rawPhone);
            if (phone is null)
            {
                return EndpointResponse.Error(400, "That is not a valid phone number. Please use international format, for example +1 415 555 2671.");
            }
        }

        var consent = fields.Flag("consent");
        if (consent is null && fields.Text("consent") is not null)
        {
            return EndpointResponse.Error(400, "The consent field must be true or false.");
        }

        if (consent != true)
        {
            return EndpointResponse.Error(400, "Please tick the box to agree to receive the daily message.");
        }

        if (!TryReadWebChoices(fields, out var chosen, out var choiceError))
        {
            return EndpointResponse.Error(400, choiceError);
        }

        var now = _time.GetUtcNow();
        if (await LimitWebOptInAsync(request, now, cancellationToken).ConfigureAwait(false) is { } limited)
        {
            return limited;
        }

        var evidence = new ConsentEvidence(
            ConsentTextVersion: _options.EmailConsentTextVersion,
            IpAddress: request.ClientAddress,
            UserAgent: Truncate(request.Header("User-Agent"), 512));
        var wanted = DeliveryPreferences.OperatorDefaults with { TimeZone = chosen.TimeZone, SendTime = chosen.SendTime, Calendar = chosen.Calendar };
        var whatsAppConfirmation = false;
        if (phone is not null)
        {
            var joinDefaults = JoinPreferences(phone);
            wanted = joinDefaults with
            {
                TimeZone = chosen.TimeZone ?? joinDefaults.TimeZone,
                SendTime = chosen.SendTime ?? joinDefaults.SendTime,
                Calendar = chosen.Calendar ?? joinDefaults.Calendar,
            };
            var pending = await _store.RecordConsentAsync(new ConsentChange(phone, ConsentStatus.Pending, ConsentSource.WebForm, evidence, now, wanted), cancellationToken)
                .ConfigureAwait(false);
            if (pending.Changed)
            {
                LogConsentChanged(_logger, PhoneMask.Mask(phone), ConsentStatus.Pending.ToName(), ConsentSource.WebForm.ToName(), pending.Subscriber.Version);
                whatsAppConfirmation = await SendConfirmationAsync(phone, cancellationToken).ConfigureAwait(false);
            }
        }

        var (outcome, subscriber) = await email.SubscribeAsync(
            new EmailSubscribeRequest(rawEmail, phone, channel, wanted, ConsentSource.WebForm, evidence), cancellationToken).ConfigureAwait(false);
        var masked = EmailMask.Mask(EmailAddress.Normalize(rawEmail));
        var service = _options.ServiceName;
        var onWhatsApp = phone is null || subscriber is not { Status: ConsentStatus.Pending }
            ? string.Empty
            : " " + ConsentReplies.PendingWeb(service, _options.WhatsAppNumber, whatsAppConfirmation);
        return outcome switch
        {
            EmailSubscribeOutcome.AlreadyConfirmed => EndpointResponse.JsonBody(200, new
            {
                status = ConsentStatus.OptedIn.ToName(), changed = false, email = masked, channel = channel.ToName(), message = ConsentReplies.EmailAlreadyConfirmed(masked) + onWhatsApp,
            }),
            EmailSubscribeOutcome.ConfirmationSent => EndpointResponse.JsonBody(200, new
            {
                status = ConsentStatus.Pending.ToName(), changed = true, email = masked, channel = channel.ToName(),
                message = ConsentReplies.EmailLinkSent(masked, _mail.ConfirmationLifetime, phone is not null) + onWhatsApp,
                expiresAt = now + _mail.ConfirmationLifetime,
                confirmUrl = onWhatsApp.Length > 0 ? ConfirmUrl(_options.WhatsAppNumber) : null,
            }),
            EmailSubscribeOutcome.ConfirmationFailed => EndpointResponse.Error(503, ConsentReplies.EmailLinkNotSent(masked), new Dictionary<string, string> { ["Retry-After"] = "60" }),
            _ => EndpointResponse.Error(409, "That number has unsubscribed. Send JOIN MITZVAH to us on WhatsApp first, then add the address."),
        };
    }

    /// <summary>The address of a WhatsApp <c>EMAIL address</c> message, or <see langword="null"/> when the message is something else.</summary>
    private static string? EmailKeyword(string? text)
    {
        var parts = (text ?? string.Empty).Trim().Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 1 && string.Equals(parts[0].TrimEnd(':'), "EMAIL", StringComparison.OrdinalIgnoreCase)
            ? (parts.Length >= 2 ? parts[1] : string.Empty)
            : null;
    }

    /// <summary>WhatsApp's EMAIL keyword: links the address to the writing number (channel both) and mails its confirmation link.</summary>
    private async Task<string> LinkEmailAsync(string phone, Subscriber? before, string address, ConsentEvidence evidence, CancellationToken cancellationToken)
    {
        if (before is not { Status: ConsentStatus.OptedIn or ConsentStatus.Pending })
        {
            return ConsentReplies.JoinFirst(_options.ServiceName);
        }

        if (EmailAddress.Problem(address) is { } problem)
        {
            return ConsentReplies.EmailInvalid(problem);
        }

        if (_email is not { IsEnabled: true } email)
        {
            return ConsentReplies.EmailUnavailable();
        }

        var channel = before.Preferences.Channel is DeliveryChannel.Fallback or DeliveryChannel.Email ? before.Preferences.Channel : DeliveryChannel.Both;
        var (outcome, _) = await email.SubscribeAsync(new EmailSubscribeRequest(address, phone, channel, null, ConsentSource.WhatsAppKeyword, evidence), cancellationToken)
            .ConfigureAwait(false);
        var masked = EmailMask.Mask(EmailAddress.Normalize(address));
        return outcome switch
        {
            EmailSubscribeOutcome.ConfirmationSent => ConsentReplies.EmailLinkSent(masked, _mail.ConfirmationLifetime, besideWhatsApp: true),
            EmailSubscribeOutcome.AlreadyConfirmed => ConsentReplies.EmailAlreadyConfirmed(masked),
            EmailSubscribeOutcome.ConfirmationFailed => ConsentReplies.EmailLinkNotSent(masked),
            _ => ConsentReplies.JoinFirst(_options.ServiceName),
        };
    }

    /// <summary>The one-tap confirmation: a WhatsApp link to <paramref name="whatsAppNumber"/> with JOIN MITZVAH written in, or <see langword="null"/> without a number.</summary>
    public static string? ConfirmUrl(string? whatsAppNumber)
    {
        var digits = new string((whatsAppNumber ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? null : $"https://wa.me/{digits}?text=JOIN%20MITZVAH";
    }

    // Keys may not hold every character an address might (IPv6 zone ids, odd proxies): keep what identifies it.
    private static string ClientKey(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "unknown";
        }

        var key = new string(address.Trim().Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '-' or '_').ToArray());
        return key.Length == 0 ? "unknown" : key.Length > 64 ? key[..64] : key;
    }

    private async Task<bool> SendConfirmationAsync(string phone, CancellationToken cancellationToken)
    {
        if (!_confirmation.IsEnabled)
        {
            return false;
        }

        var outcome = await _confirmation.SendConfirmationAsync(phone, cancellationToken).ConfigureAwait(false);
        if (!outcome.Accepted)
        {
            LogConfirmationFailed(_logger, PhoneMask.Mask(phone), outcome.ErrorCode);
        }

        return outcome.Accepted;
    }

    private async Task<bool> ClearUnreachableAsync(string phone, InboundMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await _store.RecordReachabilityAsync(
            new ReachabilityChange
            {
                Phone = phone,
                Unreachable = false,
                Actor = "inbound-message",
                Note = "the number wrote to the service",
                MessageId = message.ProviderMessageId,
                At = now,
            },
            cancellationToken).ConfigureAwait(false);
        if (result is { Changed: true })
        {
            LogReachableAgain(_logger, PhoneMask.Mask(phone));
        }

        return result is { Changed: true };
    }

    private async Task<ConsentChangeResult> ChangeAsync(
        string phone, ConsentStatus status, ConsentSource source, ConsentEvidence evidence, CancellationToken cancellationToken, DeliveryPreferences? preferences = null)
    {
        var result = await _store.RecordConsentAsync(new ConsentChange(phone, status, source, evidence, _time.GetUtcNow(), preferences), cancellationToken)
            .ConfigureAwait(false);
        if (result.Changed)
        {
            LogConsentChanged(_logger, PhoneMask.Mask(phone), status.ToName(), source.ToName(), result.Subscriber.Version);
        }

        return result;
    }

    private DeliveryPreferences JoinPreferences(string phone) => JoinDefaults.For(phone, _zones.ZonesOf(phone), _schedule);

    private async Task<string> ChangePreferencesAsync(
        string phone, Subscriber? before, PreferenceCommand command, ConsentEvidence evidence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var service = _options.ServiceName;
        if (before is not { Status: ConsentStatus.OptedIn })
        {
            return ConsentReplies.JoinFirst(service);
        }

        if (command.Error is { } example)
        {
            return ConsentReplies.InvalidPreference(example);
        }

        var current = before.Preferences;
        var wanted = command.Kind switch
        {
            PreferenceCommandKind.Time => current with { SendTime = command.Time },
            PreferenceCommandKind.Zone => current with { TimeZone = command.Zone },
            PreferenceCommandKind.Calendar => current with { Calendar = command.Calendar },

            // PausedUntil is the first date sent again: n days from the subscriber's today, or never until RESUME.
            PreferenceCommandKind.Pause => current with
            {
                PausedUntil = command.PauseDays is { } days
                    ? SendSchedule.LocalDate(_sendSchedule.PreferencesOf(before).TimeZone, now).AddDays(days)
                    : DateOnly.MaxValue,
            },
            _ => current with { PausedUntil = null },
        };
        var result = await _store.SetPreferencesAsync(new PreferenceChange(phone, wanted, ConsentSource.WhatsAppKeyword, evidence, now), cancellationToken)
            .ConfigureAwait(false);
        if (result is null)
        {
            return ConsentReplies.JoinFirst(service);
        }

        if (result.Changed)
        {
            LogPreferencesChanged(_logger, PhoneMask.Mask(phone), command.Kind, result.Subscriber.Version);
        }

        return ConsentReplies.PreferenceSet(command, await OutlookAsync(result.Subscriber, now, result.Subscriber.UpdatedAt, cancellationToken).ConfigureAwait(false));
    }

    // The settings that apply and the next message; today's counts as served once the ledger holds it as sent.
    private async Task<SubscriberOutlook> OutlookAsync(Subscriber subscriber, DateTimeOffset now, DateTimeOffset subscribedSince, CancellationToken cancellationToken)
    {
        var preferences = _sendSchedule.PreferencesOf(subscriber);
        var today = SendSchedule.LocalDate(preferences.TimeZone, now);
        var record = await _ledger.GetAsync(today, subscriber.Phone, cancellationToken).ConfigureAwait(false);
        return new SubscriberOutlook
        {
            Preferences = preferences,
            Next = _sendSchedule.NextMessage(preferences, now, servedToday: record is { State: DeliveryState.Sent }),
            SubscribedSince = subscribedSince,
        };
    }

    // Preference and delivery-state entries move UpdatedAt too: the subscription began at the latest consent change.
    private async Task<DateTimeOffset> SubscribedSinceAsync(Subscriber subscriber, CancellationToken cancellationToken)
    {
        var history = await _store.GetHistoryAsync(subscriber.Phone, cancellationToken).ConfigureAwait(false);
        return history.LastOrDefault(entry => !entry.IsDeliveryStateChange && !entry.IsPreferenceChange)?.RecordedAt ?? subscriber.UpdatedAt;
    }

    // The web form's optional delivery choices; blank means not chosen.
    private static bool TryReadWebChoices(RequestFields fields, out DeliveryPreferences chosen, out string error)
    {
        chosen = DeliveryPreferences.OperatorDefaults;
        error = string.Empty;
        string? zone = null;
        if (Given(fields.Text("timeZone")) is { } zoneText)
        {
            if (!TzdbDateTimeZoneSource.Default.CanonicalIdMap.TryGetValue(zoneText, out zone))
            {
                error = "The timeZone field must be an IANA time zone, for example Europe/London.";
                return false;
            }
        }

        TimeOnly? time = null;
        if (Given(fields.Text("sendTime")) is { } timeText)
        {
            if (!TimeOnly.TryParseExact(timeText, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) || parsed.Minute % 15 != 0)
            {
                error = "The sendTime field must be a time on a quarter hour as HH:mm, for example 07:30.";
                return false;
            }

            time = parsed;
        }

        FestivalCalendar? calendar = null;
        if (Given(fields.Text("calendar")) is { } calendarText)
        {
            if (calendarText.ToLowerInvariant() is not ("israel" or "diaspora"))
            {
                error = "The calendar field must be \"israel\" or \"diaspora\".";
                return false;
            }

            calendar = PreferenceNames.ParseCalendar(calendarText.ToLowerInvariant());
        }

        chosen = new DeliveryPreferences { TimeZone = zone, SendTime = time, Calendar = calendar };
        return true;
    }

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound message refused: {Reason}")]
    private static partial void LogInboundRefused(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbound message refused: sender {Phone} is not a phone number")]
    private static partial void LogInboundBadSender(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web form refused: missing or wrong token")]
    private static partial void LogWebFormRefusedToken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web opt-in refused: too many from one client address this hour (retry after {Seconds} s)")]
    private static partial void LogWebOptInLimited(ILogger logger, long seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Confirmation request to {Phone} was not accepted (error {ErrorCode})")]
    private static partial void LogConfirmationFailed(ILogger logger, string phone, string? errorCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Phone} wrote to the service: no longer marked unreachable")]
    private static partial void LogReachableAgain(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Phone} changed its delivery preferences ({Kind}, version {Version})")]
    private static partial void LogPreferencesChanged(ILogger logger, string phone, PreferenceCommandKind kind, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {Phone} is now {Status} (source {Source}, version {Version})")]
    private static partial void LogConsentChanged(ILogger logger, string phone, string status, string source, long version);
}
