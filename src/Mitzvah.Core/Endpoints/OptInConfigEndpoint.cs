using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Mail;
using NodaTime.TimeZones;

namespace Mitzvah.Core.Endpoints;

/// <summary>
/// The opt-in page's settings (<see cref="RoutePaths.OptInConfig"/>): where to post (the same origin's consent
/// endpoint), the WhatsApp number, the consent text and its version, and the web form's token when one is set (it is
/// public by design: it only keeps drive-by scripts off the form), and what the form offers for the delivery choices:
/// the operator's send time and zone as defaults and the time zones to choose from (every place in the time-zone
/// database, by IANA id), and whether the daily study can also come by email (<see cref="EmailSubscriptions.IsEnabled"/>).
/// Revalidated on every load, so a changed setting shows at once.
/// </summary>
public sealed class OptInConfigEndpoint : IEndpointRoute
{
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD" };
    private static readonly Dictionary<string, string> NoCache = new() { ["Cache-Control"] = "no-cache" };
    // zone.tab's places: one id per inhabited zone, the ones people recognise; the browser's own zone is added by the page.
    private static readonly Lazy<string[]> TimeZones = new(() =>
        [.. (TzdbDateTimeZoneSource.Default.ZoneLocations?.Select(place => place.ZoneId) ?? TzdbDateTimeZoneSource.Default.CanonicalIdMap.Values)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)]);

    private readonly ConsentOptions _options;
    private readonly ScheduleOptions _schedule;
    private readonly EmailSubscriptions _email;

    /// <summary>Creates the endpoint.</summary>
    public OptInConfigEndpoint(IOptions<ConsentOptions> options, IOptions<ScheduleOptions> schedule, EmailSubscriptions email)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(email);
        _options = options.Value;
        _schedule = schedule.Value;
        _email = email;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Paths { get; } = [RoutePaths.OptInConfig];

    /// <inheritdoc />
    public Task<EndpointResponse> HandleAsync(EndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method is not ("GET" or "HEAD"))
        {
            return Task.FromResult(EndpointResponse.Error(405, $"{request.Method} is not supported here; use GET.", AllowHeader));
        }

        return Task.FromResult(EndpointResponse.JsonBody(200, new
        {
            consentUrl = RoutePaths.Consent,
            whatsappNumber = _options.WhatsAppNumber ?? string.Empty,
            consentText = _options.ConsentText,
            consentVersion = _options.ConsentTextVersion,
            emailConsentText = _options.EmailConsentText,
            emailConsentVersion = _options.EmailConsentTextVersion,
            serviceName = _options.ServiceName,
            webhookToken = _options.WebhookToken,
            sendTime = PreferenceNames.FormatSendTime(_schedule.SendTime),
            timeZone = _schedule.TimeZone,
            timeZones = TimeZones.Value,
            email = _email.IsEnabled,
        }, NoCache));
    }
}
