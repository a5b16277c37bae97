using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Aws;

/// <summary>
/// Lambda handler of the consent Function URL (<c>Mitzvah.Aws::Mitzvah.Aws.ConsentHandler::Handle</c>): Twilio's
/// WhatsApp webhook, the web opt-in form and a health check, all served by Core's <see cref="ConsentEndpoint"/>.
/// </summary>
public sealed class ConsentHandler : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly ConsentEndpoint _endpoint;
    private readonly Uri? _publicUrl;

    /// <summary>Cold start: reads the environment and fails with a message naming any missing or bad variable.</summary>
    public ConsentHandler()
        : this(new ConfigurationBuilder().AddEnvironmentVariables().Build(), null)
    {
    }

    internal ConsentHandler(IConfiguration configuration, Action<IServiceCollection>? overrides)
    {
        _services = LambdaServices.Build(configuration, overrides);
        _endpoint = _services.GetRequiredService<ConsentEndpoint>();
        _publicUrl = _services.GetRequiredService<IOptions<ConsentOptions>>().Value.PublicConsentUrl;
    }

    /// <summary>Environment variables the template must set for this function.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        "SUBSCRIBERS_TABLE", "CONSENT_HISTORY_TABLE", "DELIVERIES_TABLE",
        "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER",
    ];

    /// <summary>Lambda entry point: a Function URL request (payload 2.0) in, a Function URL response out.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        using var document = await JsonDocument.ParseAsync(input).ConfigureAwait(false);
        if (!FunctionUrlRequest.IsHttp(document.RootElement))
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "This function serves its Function URL only."));
        }

        EndpointRequest request;
        try
        {
            request = FunctionUrlRequest.ToEndpointRequest(document.RootElement, _publicUrl);
        }
        catch (FormatException)
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "The request body is not valid base64."));
        }

        return FunctionUrlRequest.ToResponse(await _endpoint.HandleAsync(request).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
