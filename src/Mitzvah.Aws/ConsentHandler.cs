using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Health;
using Mitzvah.DynamoDb;
using Mitzvah.Twilio;

namespace Mitzvah.Aws;

/// <summary>
/// Lambda function of the public Function URL (<c>MITZVAH_FUNCTION=consent</c>): every Core
/// route through its <see cref="EndpointRouter"/>; the URL's root is the consent endpoint (the WhatsApp webhook and
/// the web opt-in form).
/// </summary>
public sealed class ConsentHandler : ILambdaHandler
{
    private readonly ServiceProvider _services;
    private readonly EndpointRouter _router;

    /// <summary>Cold start: fails with an <see cref="OptionsValidationException"/> naming any missing or bad setting.</summary>
    internal ConsentHandler(IConfiguration configuration, Action<IServiceCollection>? overrides)
    {
        _services = LambdaServices.Build(configuration, services =>
        {
            // This function never sends, so its health does not depend on the sending settings it is not given.
            services.Configure<HealthCheckServiceOptions>(options =>
            {
                foreach (var check in options.Registrations.Where(check => check.Name == HealthEndpoint.MessengerCheck).ToList())
                {
                    options.Registrations.Remove(check);
                }
            });
            overrides?.Invoke(services);
        });
        if (_services.GetService<ISubscriberStore>() is null)
        {
            // Without SUBSCRIBERS_TABLE the composition has no store to record consent in, so no consent endpoint.
            _services.Dispose();
            throw new OptionsValidationException(
                DynamoDbSettingNames.SubscribersTable,
                typeof(ConsentHandler),
                [$"{DynamoDbSettingNames.SubscribersTable} is required: the consent function records consent in the subscribers table."]);
        }

        _router = _services.GetRequiredService<EndpointRouter>();
    }

    /// <summary>Environment variables the template must set for this function.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        LambdaFunctions.SettingName,
        DynamoDbSettingNames.SubscribersTable, DynamoDbSettingNames.ConsentHistoryTable, DynamoDbSettingNames.DeliveriesTable,
        TwilioSettingNames.TwilioAuthToken, TwilioSettingNames.TwilioWhatsAppNumber,
    ];

    /// <summary>
    /// Lambda entry point: a Function URL request (payload 2.0) in, a Function URL response out. Any other event, or
    /// one that cannot be read (not JSON included), is answered 400 and nothing is written.
    /// </summary>
    public async Task<Stream> Handle(Stream input, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var document = await LambdaEvent.TryReadAsync(input).ConfigureAwait(false);
        if (document is null)
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "The event is not valid JSON."));
        }

        if (!FunctionUrlRequest.IsHttp(document.RootElement))
        {
            return FunctionUrlRequest.ToResponse(EndpointResponse.Error(400, "This function serves its Function URL only."));
        }

        return await FunctionUrlRequest.ServeAsync(document.RootElement, _router, RoutePaths.Consent).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _services.Dispose();
}
