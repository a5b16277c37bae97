namespace Mitzvah.Core.Sending;

/// <summary>Why the provider did not accept a message, in terms of what the daily run does next.</summary>
public enum SendFailureKind
{
    /// <summary>Worth retrying: a server error, a timeout or a lost connection.</summary>
    Transient,

    /// <summary>The provider is overloaded (HTTP 429 or the provider's own code): retry after Retry-After, and send less at once.</summary>
    RateLimited,

    /// <summary>The recipient opted out at the provider : the subscriber is marked opted out.</summary>
    OptedOut,

    /// <summary>The number cannot receive messages : the subscriber is marked invalid.</summary>
    InvalidNumber,

    /// <summary>Outside WhatsApp's 24-hour window : only an approved template can be sent.</summary>
    TemplateRequired,

    /// <summary>
    /// The provider will not deliver this message to this recipient today (WhatsApp's per-user marketing limits, or
    /// the user's number in an experiment): not retried that day, and the subscriber is left as is.
    /// </summary>
    NotDeliveredToday,

    /// <summary>
    /// The sender reached its messaging limit (unique recipients per 24 hours): the run stops claiming recipients and
    /// leaves the rest for a later run.
    /// </summary>
    MessagingLimit,

    /// <summary>Any other refusal (bad credentials, a rejected parameter); not retried in this run.</summary>
    Rejected,
}
