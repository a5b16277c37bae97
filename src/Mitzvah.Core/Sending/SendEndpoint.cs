using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Sending;

/// <summary>The operators' manual trigger of the daily run (<see cref="RoutePaths.Send"/>), served the same way by every host.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Disabled (404) unless <c>SEND_TOKEN</c> is configured; never open.</item>
/// <item>POST only (else 405). The token goes in <c>Authorization: Bearer …</c> or <c>X-Send-Token</c>, compared in
/// constant time; missing or wrong → 401 and nothing runs.</item>
/// <item>Optional fields, from a JSON object, a form or the query string: <c>test_date</c> (yyyy-MM-dd),
/// <c>test_recipient</c> (a phone number: only that number gets the message, outside the ledger) and <c>dry_run</c>.
/// Bad values → 400 with a sentence saying what to send.</item>
/// <item>200 with the run summary as JSON.</item>
/// </list>
/// </remarks>
public sealed partial class SendEndpoint : IEndpointRoute
{
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "POST" };

    private readonly IServiceProvider _services;
    private readonly IPhoneNumberNormalizer _phones;
    private readonly SendOptions _options;
    private readonly ILogger<SendEndpoint> _logger;

    /// <summary>Creates the endpoint.</summary>
    /// <remarks>
    /// The daily run (and with it the messenger) is resolved from <paramref name="services"/> on the first send, so a
    /// deployment whose sending settings are missing still serves every other route and reports them in its health.
    /// </remarks>
    public SendEndpoint(IServiceProvider services, IPhoneNumberNormalizer phones, IOptions<SendOptions> options, ILogger<SendEndpoint> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _phones = phones;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.Send];

    /// <inheritdoc />
    public async Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(_options.SendToken))
        {
            return EndpointResponse.Error(404, "Manual sending is disabled on this deployment (SEND_TOKEN is not set).");
        }

        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return EndpointResponse.Error(405, $"{request.Method} is not supported here; use POST.", AllowHeader);
        }

        if (!OperatorToken.Matches(request, _options.SendToken))
        {
            LogRefused(_logger, request.ClientAddress);
            return OperatorToken.Refusal;
        }

        if (request.Body.Length > RequestBody.MaxBytes)
        {
            return EndpointResponse.Error(413, "The request body is larger than 64 KiB.");
        }

        var (fields, error) = ReadFields(request);
        if (fields is null)
        {
            return EndpointResponse.Error(error!.Value.Status, error.Value.Message);
        }

        if (!ManualSendFields.TryParse(fields, _phones, out var sendRequest, out var fieldError))
        {
            return EndpointResponse.Error(400, fieldError!);
        }

        try
        {
            var service = (DailySendService)(_services.GetService(typeof(DailySendService))
                ?? throw new InvalidOperationException("The daily run is not registered."));
            var summary = await service.RunAsync(sendRequest, cancellationToken: cancellationToken).ConfigureAwait(false);
            return EndpointResponse.Text(200, EndpointResponse.Json, summary.ToJson());
        }
        catch (StudyDateOutOfRangeException ex)
        {
            return EndpointResponse.Error(400, ex.Message);
        }
    }

    private static (RequestFields? Fields, (int Status, string Message)? Error) ReadFields(EndpointRequest request)
    {
        if (request.Body.IsEmpty || request.Body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return RequestBody.TryParseForm(System.Text.Encoding.UTF8.GetBytes(request.QueryString.TrimStart('?')), out var query)
                ? (RequestFields.FromForm(query), null)
                : (null, (400, "The query string could not be read."));
        }

        var mediaType = RequestBody.MediaType(request.Header("Content-Type"));
        if (mediaType == "application/json")
        {
            return RequestBody.TryParseJsonObject(request.Body, out var json)
                ? (RequestFields.FromJson(json), null)
                : (null, (400, "The request body is not a valid JSON object."));
        }

        if (mediaType == "application/x-www-form-urlencoded")
        {
            return RequestBody.TryParseForm(request.Body, out var form)
                ? (RequestFields.FromForm(form), null)
                : (null, (400, "The form data could not be read."));
        }

        return (null, (415, "Send JSON (application/json), a form (application/x-www-form-urlencoded) or no body."));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Manual send refused: missing or wrong send token (from {RemoteAddress})")]
    private static partial void LogRefused(ILogger logger, string? remoteAddress);
}
