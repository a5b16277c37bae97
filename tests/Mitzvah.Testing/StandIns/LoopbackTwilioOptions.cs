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

    /// <summary>Delivers status callbacks and inbound webhooks; by default <see cref="HttpWebhookPoster"/> (real HTTP).</summary>
    public IWebhookPoster? WebhookPoster { get; init; }

    /// <summary>Seeds the shuffling and duplication of status callbacks, so that a run can be repeated exactly.</summary>
    public int CallbackSeed { get; init; } = 1;

    /// <summary>The share of status callbacks that are posted a second time (0 to 1).</summary>
    public double DuplicateRate { get; init; } = 0.25;

    /// <summary>How many status callbacks are posted at once.</summary>
    public int CallbackConcurrency { get; init; } = 4;

    /// <summary>
    /// Keeps the status callbacks of accepted messages until <see cref="LoopbackTwilio.ReleaseCallbacks"/>, which
    /// posts them all shuffled together; otherwise each message's callbacks go out as soon as it is answered 201.
    /// </summary>
    public bool HoldCallbacks { get; init; }

    /// <summary>How a message ends when nothing is scripted for its recipient (<see cref="LoopbackTwilio.ScriptFate"/>).</summary>
    public LoopbackFate DefaultFate { get; init; } = LoopbackFate.Delivered;

    /// <summary>The business's WhatsApp number (E.164), the To of inbound webhooks and the From of callbacks without one.</summary>
    public string WhatsAppNumber { get; init; } = "+14155238886";

    /// <summary>
    /// When set (a Prism mock of Twilio's OpenAPI spec), every create that passes the loopback's own checks is also
    /// posted there and refused with 400 / 21000 if Prism refuses it, so the spec still checks what is sent.
    /// </summary>
    public Uri? PrismUrl { get; init; }
}
