namespace Mitzvah.Core.Sending;

/// <summary>Why the provider did not accept a message, in terms of what the daily run does next.</summary>
public enum SendFailureKind
{
    /// <summary>Worth retrying: a server error, a timeout or a lost connection.</summary>
    Transient,

    /// <summary>The provider is overloaded (HTTP 429, Twilio 20429): retry after Retry-After, and send less at once.</summary>
    RateLimited,

    /// <summary>The recipient opted out at the provider (Twilio 21610): the subscriber is marked opted out.</summary>
    OptedOut,

    /// <summary>The number cannot receive messages (Twilio 21211): the subscriber is marked invalid.</summary>
    InvalidNumber,

    /// <summary>Outside WhatsApp's 24-hour window (Twilio 63016): only an approved template can be sent.</summary>
    TemplateRequired,

    /// <summary>Any other refusal (bad credentials, a rejected parameter); not retried in this run.</summary>
    Rejected,
}
