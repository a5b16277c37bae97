using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Consent;

/// <summary>A running host (local server, Lambda adapter, Function app) serving the consent endpoint.</summary>
public interface IConsentHost : IAsyncDisposable
{
    /// <summary>The URL the host validates webhook signatures against.</summary>
    Uri PublicUrl { get; }

    /// <summary>The host's clock, which signed links are dated by (a host under test may run on a fixed one).</summary>
    DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>The store behind the host.</summary>
    ISubscriberStore Store { get; }

    /// <summary>Sends a request through the host's own transport; the harness adds the signature header when asked.</summary>
    Task<ScenarioResponse> SendAsync(ScenarioRequest request, IReadOnlyDictionary<string, string> extraHeaders);
}
