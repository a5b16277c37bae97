using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Endpoints;

/// <summary>
/// The opt-in page's settings (<see cref="RoutePaths.OptInConfig"/>): where to post (the same origin's consent
/// endpoint), the WhatsApp number, the consent text and its version, and the web form's token when one is set (it is
/// public by design: it only keeps drive-by scripts off the form). Revalidated on every load, so a changed setting shows at once.
/// </summary>
public sealed class OptInConfigEndpoint : IEndpointRoute
{
    private static readonly Dictionary<string, string> AllowHeader = new() { ["Allow"] = "GET, HEAD" };
    private static readonly Dictionary<string, string> NoCache = new() { ["Cache-Control"] = "no-cache" };
    private readonly ConsentOptions _options;

    /// <summary>Creates the endpoint.</summary>
    public OptInConfigEndpoint(IOptions<ConsentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
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
            serviceName = _options.ServiceName,
            webhookToken = _options.WebhookToken,
        }, NoCache));
    }
}
