using System.Globalization;
using System.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Consent;

/// <summary>
/// The consent endpoint every host serves: Twilio's inbound WhatsApp webhook, the web opt-in form and a health check.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>GET/HEAD: health JSON (service, time, store kind); no secrets.</item>
/// <item>POST form with <c>MessageSid</c> or an <c>X-Twilio-Signature</c> header: the WhatsApp webhook. The signature
/// must be valid over <see cref="EndpointRequest.PublicUrl"/> and the form, else 403 and nothing is written. Replies
/// are TwiML.</item>
/// <item>POST JSON or other form: the web opt-in (<c>phone</c>, <c>consent</c>, <c>action</c>, optional <c>token</c>).</item>
/// <item>Other methods 405, other content types 415, bodies over 64 KiB 413, malformed bodies 400.</item>
/// </list>
/// Repeating a request is harmless: a change to the status a number already has writes nothing. Thread-safe.
/// </remarks>
public sealed partial class ConsentEndpoint
{
    private const string FormContentType = "application/x-www-form-urlencoded";
    private const string JsonContentType = "application/json";
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD, POST" };

    private readonly ISubscriberStore _store;
    private readonly IPhoneNumberNormalizer _phones;
    private readonly IWebhookSignatureValidator _signatures;
    private readonly TimeProvider _time;
    private readonly ConsentOptions _options;
    private readonly ScheduleOptions _schedule;
    private readonly ILogger<ConsentEndpoint> _logger;

    /// <summary>Creates the endpoint.</summary>
    public ConsentEndpoint(
        ISubscriberStore store,
        IPhoneNumberNormalizer phones,
        IWebhookSignatureValidator signatures,
        TimeProvider time,
        IOptions<ConsentOptions> options,
        IOptions<ScheduleOptions> schedule,
        ILogger<ConsentEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        _store = store;
        _phones = phones;
        _signatures = signatures;
        _time = time;
        _options = options.Value;
        _schedule = schedule.Value;
        _logger = logger;
    }

    /// <summary>Handles one request.</summary>
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Method.ToUpperInvariant())
        {
            case "GET":
            case "HEAD":
                return EndpointResponse.JsonBody(200, new
                {
                    service = "mitzvah-consent",
                    status = "ok",
                    time = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                    store = _store.Kind,
                });
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
            if (!RequestBody.TryParseForm(request.Body, out var form))
            {
                return EndpointResponse.Error(400, "The form data could not be read.");
            }

            return form.ContainsKey("MessageSid") || request.Header("X-Twilio-Signature") is not null
                ? await HandleWebhookAsync(request, form, cancellationToken).ConfigureAwait(false)
                : await HandleWebFormAsync(request, RequestFields.FromForm(form), cancellationToken).ConfigureAwait(false);
        }

        if (mediaType == JsonContentType)
        {
            return RequestBody.TryParseJsonObject(request.Body, out var json)
                ? await HandleWebFormAsync(request, RequestFields.FromJson(json), cancellationToken).ConfigureAwait(false)
                : EndpointResponse.Error(400, "The request body is not a valid JSON object.");
        }

        return EndpointResponse.Error(415, "Send JSON (application/json) or a form (application/x-www-form-urlencoded).");
    }

    private async Task<EndpointResponse> HandleWebhookAsync(
        EndpointRequest request, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!_signatures.IsConfigured)
        {
            LogWebhookRefusedUnconfigured(_logger);
            return EndpointResponse.Error(403, "Webhook signatures cannot be checked, so webhooks are refused.");
        }

        if (!_signatures.IsValid(request.PublicUrl, form, request.Header("X-Twilio-Signature")))
        {
            LogWebhookRefusedSignature(_logger, PhoneMask.Mask(form.GetValueOrDefault("From")), request.PublicUrl);
            return EndpointResponse.Error(403, "The webhook signature is missing or invalid.");
        }

        var from = form.GetValueOrDefault("From") ?? string.Empty;
        var phone = _phones.Normalize(WhatsAppAddress.ToPhone(from));
        if (phone is null)
        {
            LogWebhookBadSender(_logger, PhoneMask.Mask(from));
            return EndpointResponse.Error(400, "The sender (From) is not a phone number.");
        }

        var body = form.GetValueOrDefault("Body");
        var service = _options.ServiceName;
        var reply = ConsentKeywordParser.Parse(body) switch
        {
            ConsentKeyword.OptIn => await ChangeAsync(phone, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, KeywordEvidence(form), cancellationToken)
                .ConfigureAwait(false) ? ConsentReplies.Subscribed(service, _schedule) : ConsentReplies.AlreadySubscribed(service),
            ConsentKeyword.OptOut => await ChangeAsync(phone, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, KeywordEvidence(form), cancellationToken)
                .ConfigureAwait(false) ? ConsentReplies.Unsubscribed(service) : ConsentReplies.NotSubscribed(service),
            ConsentKeyword.Status => ConsentReplies.Status(service, await _store.GetAsync(phone, cancellationToken).ConfigureAwait(false)),
            ConsentKeyword.Help => ConsentReplies.Help(service),
            _ => ConsentReplies.Guidance(service),
        };

        return EndpointResponse.XmlBody(200, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>{SecurityElement.Escape(reply)}</Message></Response>");
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

        var evidence = new ConsentEvidence(
            ConsentTextVersion: _options.ConsentTextVersion,
            IpAddress: ClientAddress(request),
            UserAgent: Truncate(request.Header("User-Agent"), 512));
        var changed = await ChangeAsync(phone, status.Value, ConsentSource.WebForm, evidence, cancellationToken).ConfigureAwait(false);
        var service = _options.ServiceName;
        var message = (status, changed) switch
        {
            (ConsentStatus.OptedIn, true) => ConsentReplies.Subscribed(service, _schedule),
            (ConsentStatus.OptedIn, false) => ConsentReplies.AlreadySubscribed(service),
            (_, true) => ConsentReplies.Unsubscribed(service),
            _ => ConsentReplies.NotSubscribed(service),
        };
        return EndpointResponse.JsonBody(200, new { status = status.Value.ToName(), changed, phone = PhoneMask.Mask(phone), message });
    }

    private async Task<bool> ChangeAsync(
        string phone, ConsentStatus status, ConsentSource source, ConsentEvidence evidence, CancellationToken cancellationToken)
    {
        var result = await _store.RecordConsentAsync(new ConsentChange(phone, status, source, evidence, _time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        if (result.Changed)
        {
            LogConsentChanged(_logger, PhoneMask.Mask(phone), status.ToName(), source.ToName(), result.Subscriber.Version);
        }

        return result.Changed;
    }

    private static ConsentEvidence KeywordEvidence(Dictionary<string, string> form) => new(
        Keyword: Truncate(form.GetValueOrDefault("Body"), 1600),
        MessageSid: form.GetValueOrDefault("MessageSid"),
        To: form.GetValueOrDefault("To"));

    private static string? ClientAddress(EndpointRequest request)
    {
        var forwarded = request.Header("X-Forwarded-For")?.Split(',')[0].Trim();
        return string.IsNullOrEmpty(forwarded) ? request.RemoteAddress : forwarded;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    // Hashing first gives equal-length inputs, so the comparison time reveals nothing about the token.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook refused: TWILIO_AUTH_TOKEN is not configured, so signatures cannot be checked")]
    private static partial void LogWebhookRefusedUnconfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook refused: missing or invalid X-Twilio-Signature (from {Phone}, url {Url})")]
    private static partial void LogWebhookRefusedSignature(ILogger logger, string phone, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook refused: sender {Phone} is not a phone number")]
    private static partial void LogWebhookBadSender(ILogger logger, string phone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Web form refused: missing or wrong token")]
    private static partial void LogWebFormRefusedToken(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consent of {Phone} is now {Status} (source {Source}, version {Version})")]
    private static partial void LogConsentChanged(ILogger logger, string phone, string status, string source, long version);
}
