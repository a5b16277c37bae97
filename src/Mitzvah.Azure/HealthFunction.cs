using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Twilio;

namespace Mitzvah.Azure;

/// <summary>
/// <c>/api/health</c>: whether the app can do its daily job. 200 with <c>status: ok</c>, or 503 with
/// <c>status: degraded</c> and the settings to fix. Names store and messenger; never shows a setting's value.
/// </summary>
public sealed class HealthFunction
{
    /// <summary>The messenger this app always uses (<see cref="TwilioMessenger.Kind"/>).</summary>
    public const string MessengerKind = "twilio";

    private readonly ISubscriberStore _store;
    private readonly TwilioOptions _twilio;
    private readonly TimeProvider _time;

    /// <summary>Creates the function.</summary>
    public HealthFunction(ISubscriberStore store, IOptions<TwilioOptions> twilio, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(twilio);
        _store = store;
        _twilio = twilio.Value;
        _time = time;
    }

    /// <summary>Reports health.</summary>
    [Function("Health")]
    public async Task<HttpResponseData> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequestData request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // The messenger is built on first send and throws there; checking the same rules here shows the problem before 10:00.
        var problems = TwilioMessenger.Validate(_twilio);
        var response = EndpointResponse.JsonBody(problems.Count == 0 ? 200 : 503, new
        {
            service = "mitzvah",
            status = problems.Count == 0 ? "ok" : "degraded",
            time = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            store = _store.Kind,
            messenger = MessengerKind,
            problems,
        });
        return await HttpTranslation.ToHttpResponseAsync(request, response, cancellationToken).ConfigureAwait(false);
    }
}
