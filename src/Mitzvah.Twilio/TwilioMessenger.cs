using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;

namespace Mitzvah.Twilio;

/// <summary>Sends daily messages through Twilio's WhatsApp API with the official Twilio SDK.</summary>
/// <remarks>
/// <para>
/// The caller chooses the form per message: freeform sends the message text as <c>Body</c>; the template (only with
/// <see cref="TwilioOptions.TemplateSid"/> set, see <see cref="HasTemplate"/>) sends the approved template as
/// <c>ContentSid</c> with the message's template variables as <c>ContentVariables</c>, which WhatsApp requires outside
/// its 24-hour window. Without a template it warns once, when built, that subscribers who have not written in 24 hours
/// will not receive freeform messages. With <see cref="TwilioOptions.StatusCallbackUrl"/> known, each message asks for
/// status callbacks there, with its study date in the query so the callback finds its ledger item.
/// </para>
/// <para>
/// Twilio's errors are translated into <see cref="SendFailureKind"/>: 429 and 20429 are rate limits (with Retry-After); 5xx,
/// timeouts and lost connections are transient; 21610 is an opt-out, 21211 and 21614 an invalid number, 63016 a
/// missing template, 63049 (Meta did not deliver a marketing template) and 63032 (the user's number is in a Meta
/// experiment) not delivered today, 63018 the messaging limit of a new business; anything else is rejected, its code
/// kept as Twilio gave it. Thread-safe: one SDK client and one HTTP connection pool are shared.
/// </para>
/// </remarks>
public sealed partial class TwilioMessenger : IMessenger, IConsentConfirmationSender, IDisposable
{
    private const int ListPageSize = 50;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly System.Net.Http.HttpClient _http;
    private readonly TwilioRestClient _client;
    private readonly TwilioOptions _options;
    private readonly PhoneNumber? _from;
    private readonly ILogger<TwilioMessenger> _logger;

    /// <summary>Creates the messenger; the options are checked here, so a bad setting fails at start-up.</summary>
    /// <exception cref="OptionsValidationException">A required setting is missing or malformed; the message names it.</exception>
    public TwilioMessenger(IOptions<TwilioOptions> options, ILogger<TwilioMessenger> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var failures = Validate(_options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(TwilioOptions), typeof(TwilioOptions), failures);
        }

        _logger = logger;
        _from = _options.WhatsAppNumber is null ? null : new PhoneNumber("whatsapp:" + _options.WhatsAppNumber);
        _http = new System.Net.Http.HttpClient(new TwilioApiHandler(_options.ApiBaseUrl)) { Timeout = _options.RequestTimeout };
        _client = new TwilioRestClient(_options.AccountSid, _options.AuthToken, httpClient: new SystemNetHttpClient(_http));

        // The messenger is one per process (a singleton), so this warns once per start.
        if (_options.TemplateSid is null)
        {
            LogNoTemplate(_logger, TwilioSettingNames.WhatsAppTemplateSid);
        }
    }

    /// <inheritdoc />
    public string Kind => "twilio";

    /// <inheritdoc />
    public bool HasTemplate => _options.TemplateSid is not null;

    /// <summary>The settings the messenger cannot work without, each failure naming its variable.</summary>
    /// <remarks>Values that are set but malformed are refused earlier, by <see cref="TwilioOptionsValidator"/>.</remarks>
    public static IReadOnlyList<string> Validate(TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AccountSid is null)
        {
            failures.Add($"{TwilioSettingNames.TwilioAccountSid} must be set to the account SID (AC followed by 32 characters).");
        }

        if (string.IsNullOrEmpty(options.AuthToken))
        {
            failures.Add($"{TwilioSettingNames.TwilioAuthToken} must be set.");
        }

        if (options.WhatsAppNumber is null && options.MessagingServiceSid is null)
        {
            failures.Add($"{TwilioSettingNames.TwilioWhatsAppNumber} (or {TwilioSettingNames.TwilioMessagingServiceSid}) must be set to the sending number.");
        }

        return failures;
    }

    /// <inheritdoc />
    public async Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (form == MessageForm.Template && _options.TemplateSid is null)
        {
            return SendOutcome.Failed(SendFailureKind.Rejected, "no-template", $"A template send needs {TwilioSettingNames.WhatsAppTemplateSid}.");
        }

        var create = new CreateMessageOptions(new PhoneNumber("whatsapp:" + phone))
        {
            From = _from,
            MessagingServiceSid = _options.MessagingServiceSid,
            StatusCallback = _options.StatusCallbackUrl is { } callback ? DeliveryStatusEndpoint.CallbackUrl(callback, message.Date) : null,
        };
        if (form == MessageForm.Template && _options.TemplateSid is { } template)
        {
            create.ContentSid = template;
            create.ContentVariables = JsonSerializer.Serialize(ContentVariables(message.WhatsApp.Variables), Json);
        }
        else
        {
            create.Body = message.WhatsApp.Body;
        }

        return await CreateAsync(create, phone, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public bool IsEnabled => _options.ConfirmTemplateSid is not null;

    /// <inheritdoc />
    /// <remarks>
    /// The <see cref="TwilioOptions.ConfirmTemplateSid"/> template as <c>ContentSid</c>, without a status callback:
    /// it is no daily message and has no ledger item. Its quick reply (YES) arrives as an inbound message.
    /// </remarks>
    public async Task<SendOutcome> SendConfirmationAsync(string phone, CancellationToken cancellationToken = default)
    {
        if (_options.ConfirmTemplateSid is not { } template)
        {
            return SendOutcome.Failed(SendFailureKind.Rejected, "not-configured", "No confirmation template is configured.");
        }

        var create = new CreateMessageOptions(new PhoneNumber("whatsapp:" + phone))
        {
            From = _from,
            MessagingServiceSid = _options.MessagingServiceSid,
            ContentSid = template,
        };
        return await CreateAsync(create, phone, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SendOutcome> CreateAsync(CreateMessageOptions create, string phone, CancellationToken cancellationToken)
    {
        var response = TwilioApiHandler.BeginCall();
        try
        {
            var created = await MessageResource.CreateAsync(create, _client).WaitAsync(cancellationToken).ConfigureAwait(false);
            return SendOutcome.Sent(created.Sid);
        }
        catch (ApiException ex)
        {
            return Classify(ex, response, phone);
        }
        catch (ApiConnectionException ex)
        {
            return SendOutcome.Failed(SendFailureKind.Transient, ex.InnerException is TaskCanceledException ? "timeout" : "connection", Redact(ex.Message, phone));
        }
        catch (Exception ex) when (ex is TaskCanceledException or TimeoutException or System.Net.Http.HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Failed(SendFailureKind.Transient, ex is System.Net.Http.HttpRequestException ? "connection" : "timeout", Redact(ex.Message, phone));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Lists the messages from the sender to <paramref name="phone"/>, newest first, page by page, and matches one
    /// created since <paramref name="since"/> that did not fail, with the same text (freeform) or, with a template
    /// configured, mentioning the same date line (the template's rendering). Twilio sorts the list by DateSent, unsent messages first, so the walk stops at the first
    /// message sent before <paramref name="since"/>: nothing after it can have been created later.
    /// </remarks>
    public async Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var read = new ReadMessageOptions { To = new PhoneNumber("whatsapp:" + phone), From = _from, PageSize = ListPageSize };
        var found = await MessageResource.ReadAsync(read, _client).WaitAsync(cancellationToken).ConfigureAwait(false);

        // Enumerating past a page fetches the next one (the SDK does that synchronously).
        foreach (var sent in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (sent.DateSent is { } sentAt && AsUtc(sentAt) < since)
            {
                break;
            }

            var failed = sent.Status == MessageResource.StatusEnum.Failed || sent.Status == MessageResource.StatusEnum.Undelivered
                || sent.Status == MessageResource.StatusEnum.Canceled;
            var matches = string.Equals(sent.Body, message.WhatsApp.Body, StringComparison.Ordinal)
                || (_options.TemplateSid is not null && sent.Body?.Contains(message.WhatsApp.Variables.DateLine, StringComparison.Ordinal) == true);
            if (!failed && matches && sent.DateCreated is { } created && AsUtc(created) >= since)
            {
                return sent.Sid;
            }
        }

        return null;
    }

    // ContentVariables keys the template's variables by their placeholder numbers.
    private static Dictionary<string, string> ContentVariables(WhatsAppTemplateVariables variables) =>
        new(StringComparer.Ordinal)
        {
            ["1"] = variables.DateLine,
            ["2"] = variables.Readings,
            ["3"] = variables.Link,
        };

    // The SDK parses Twilio's "+0000" dates with DateTime.Parse, which yields local time (Kind Local); a date that
    // comes without a kind is Twilio's UTC.
    private static DateTimeOffset AsUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc));

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private SendOutcome Classify(ApiException ex, TwilioApiHandler.CallState response, string phone)
    {
        var status = ex.Status != 0 ? ex.Status : response.Status;
        var code = ex.Code != 0 ? ex.Code.ToString(CultureInfo.InvariantCulture) : status.ToString(CultureInfo.InvariantCulture);
        var kind = TwilioErrorCodes.Kind(ex.Code) ?? status switch
        {
            429 => SendFailureKind.RateLimited,
            >= 500 => SendFailureKind.Transient,
            _ => SendFailureKind.Rejected,
        };
        if (kind == SendFailureKind.Rejected && status is 401 or 403)
        {
            LogCredentialsRefused(_logger, status);
        }

        return SendOutcome.Failed(kind, code, Redact(ex.Message, phone), response.RetryAfter);
    }

    // Detail ends up in logs: Twilio's messages quote the recipient ("The 'To' number +1... is not a valid phone
    // number"), and nothing the provider or the HTTP stack says may carry the auth token.
    private string Redact(string detail, string phone)
    {
        if (!string.IsNullOrEmpty(phone))
        {
            detail = detail.Replace(phone, PhoneMask.Mask(phone), StringComparison.Ordinal);
        }

        return string.IsNullOrEmpty(_options.AuthToken) ? detail : detail.Replace(_options.AuthToken, "***", StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No WhatsApp template is configured ({Setting}): every message is sent freeform, and subscribers who have not written in 24 hours will not receive freeform messages")]
    private static partial void LogNoTemplate(ILogger logger, string setting);

    [LoggerMessage(Level = LogLevel.Error, Message = "Twilio refused the credentials (HTTP {Status}); check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")]
    private static partial void LogCredentialsRefused(ILogger logger, int status);
}
