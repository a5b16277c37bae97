namespace Mitzvah.Testing.StandIns;

/// <summary>How a <see cref="LoopbackTwilio"/> starts; latency and the concurrency limit can be changed later.</summary>
public sealed class LoopbackTwilioOptions
{
    /// <summary>The account whose credentials are accepted ("AC" and 32 hex digits).</summary>
    public string AccountSid { get; init; } = LoopbackTwilio.DefaultAccountSid;

    /// <summary>The auth token accepted with <see cref="AccountSid"/>.</summary>
    public string AuthToken { get; init; } = LoopbackTwilio.DefaultAuthToken;

    /// <summary>How long every answered request takes.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Requests in flight above this many are answered 429 / 20429 with Retry-After: 1; null for no limit.</summary>
    public int? ConcurrencyLimit { get; init; }

    /// <summary>
    /// The text Twilio stores as a template message's body, from its ContentSid and variables; by default the
    /// variables' values, one per line, in key order.
    /// </summary>
    public Func<string, IReadOnlyDictionary<string, string>, string>? RenderTemplate { get; init; }
}
