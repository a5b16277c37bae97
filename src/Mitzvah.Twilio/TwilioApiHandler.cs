using System.Net.Http.Headers;

namespace Mitzvah.Twilio;

/// <summary>
/// The HTTP handler under the Twilio SDK: sends every call to <c>TWILIO_API_BASE_URL</c> when set (stand-ins), and
/// hands the response's Retry-After back to the caller, which the SDK's exceptions do not carry.
/// </summary>
internal sealed class TwilioApiHandler : DelegatingHandler
{
    private static readonly AsyncLocal<CallState?> Current = new();
    private readonly Uri? _baseUrl;

    public TwilioApiHandler(Uri? baseUrl)
        : base(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) =>
        _baseUrl = baseUrl;

    /// <summary>Starts a call whose response details this async flow can read afterwards.</summary>
    public static CallState BeginCall()
    {
        var state = new CallState();
        Current.Value = state;
        return state;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_baseUrl is not null && request.RequestUri is { } uri && uri.Host.EndsWith("twilio.com", StringComparison.OrdinalIgnoreCase))
        {
            request.RequestUri = new Uri(_baseUrl, uri.PathAndQuery);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (Current.Value is { } state)
        {
            state.Status = (int)response.StatusCode;
            state.RetryAfter = RetryAfter(response.Headers.RetryAfter);
        }

        return response;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>What the last response of one call said.</summary>
    internal sealed class CallState
    {
        /// <summary>
        /// The HTTP status; the SDK's exception reports 0 when the body is not Twilio's error JSON (a proxy's 502 or
        /// 503 page, an empty 429).
        /// </summary>
        public int Status { get; set; }

        public TimeSpan? RetryAfter { get; set; }
    }
}
