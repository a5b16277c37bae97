namespace Mitzvah.Core.Consent;

/// <summary>The kinds of <see cref="InboundReading"/>.</summary>
public enum InboundReadingKind
{
    /// <summary>Not a provider webhook.</summary>
    NotInbound,

    /// <summary>A verified inbound message.</summary>
    Message,

    /// <summary>Claims to be a webhook but its signature is missing or wrong, or cannot be checked.</summary>
    Refused,

    /// <summary>Verified, but unusable.</summary>
    Malformed,
}
