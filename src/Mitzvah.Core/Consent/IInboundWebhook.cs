using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Consent;

/// <summary>
/// A messaging provider's inbound-message webhook: recognises the provider's requests, verifies that the provider
/// sent them, reads them into Core's <see cref="InboundMessage"/>, and renders Core's reply in the provider's format.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. A request that looks like the provider's webhook but cannot be verified must be
/// <see cref="InboundReadingKind.Refused"/>, never read as something else.
/// </remarks>
public interface IInboundWebhook
{
    /// <summary>Whether requests can be verified at all; without a signing secret every webhook is refused.</summary>
    bool CanVerify { get; }

    /// <summary>Reads <paramref name="request"/>, whose body parsed as <paramref name="form"/>.</summary>
    InboundReading Read(EndpointRequest request, IReadOnlyDictionary<string, string> form);

    /// <summary>The response that delivers <paramref name="reply"/> to the sender of a verified message.</summary>
    EndpointResponse Reply(string reply);
}
