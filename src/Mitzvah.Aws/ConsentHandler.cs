using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
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
        var endpoint = _services.GetService<ConsentEndpoint>();
        if (endpoint is null)
        {
            // Without SUBSCRIBERS_TABLE the composition has no store to record consent in, so no consent endpoint.
            _services.Dispose();
            throw new OptionsValidationException(
                SettingNames.SubscribersTable,
                typeof(ConsentHandler),
                [$"{SettingNames.SubscribersTable} is required: the consent function records consent in the subscribers table."]);
        }

        _endpoint = endpoint;
        _publicUrl = _services.GetRequiredService<IOptions<ConsentOptions>>().Value.PublicConsentUrl;
    }

    /// <summary>Environment variables the template must set for this function.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        SettingNames.SubscribersTable, SettingNames.ConsentHistoryTable, SettingNames.DeliveriesTable,
        SettingNames.TwilioAuthToken, SettingNames.TwilioWhatsAppNumber,
    ];

    /// <summary>
    /// Lambda entry point: a Function URL request (payload 2.0) in, a Function URL response out. Any other event, or
    /// one that cannot be read, is answered 400 and nothing is written.
    /// </summary>
    public async Task<Stream> Handle(Stream input)
    {
        using var document = await LambdaEvent.TryReadAsync(input).ConfigureAwait(false);
        if (document is null)
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "The event is not valid JSON."));
        }

        if (!FunctionUrlRequest.IsHttp(document.RootElement))
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "This function serves its Function URL only."));
        }

        return await FunctionUrlRequest.ServeAsync(document.RootElement, _publicUrl, request => _endpoint.HandleAsync(request)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
