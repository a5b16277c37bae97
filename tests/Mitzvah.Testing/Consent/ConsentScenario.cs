using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Consent;

/// <summary>One row of the consent scenario table: a request, what the host answers, what the store shows after.</summary>
/// <param name="Name">Unique, readable name (the theory's case name).</param>
/// <param name="Settings">The host configuration.</param>
/// <param name="Initial">The status of <see cref="ConsentScenarios.Phone"/> before the request, or null for unknown.</param>
/// <param name="Request">The request.</param>
/// <param name="Status">Expected HTTP status.</param>
/// <param name="BodyFragment">Text the response body must contain.</param>
/// <param name="Effect">Expected change to <see cref="ConsentScenarios.Phone"/>.</param>
/// <param name="ContentType">Expected content-type prefix.</param>
/// <param name="Before">Requests sent first, through the same host (their answers are not checked).</param>
/// <param name="RetryAfter">Whether the answer must carry a <c>Retry-After</c> header of positive whole seconds.</param>
/// <param name="Key">The store key acted on, when not <see cref="ConsentScenarios.Phone"/> (an email scenario's <see cref="ConsentScenarios.EmailKey"/>).</param>
public sealed record ConsentScenario(
    string Name,
    HostSettings Settings,
    ConsentStatus? Initial,
    ScenarioRequest Request,
    int Status,
    string BodyFragment,
    StoreEffect Effect,
    string ContentType = "application/json",
    IReadOnlyList<ScenarioRequest>? Before = null,
    bool RetryAfter = false,
    string? Key = null)
{
    /// <summary>The store key the scenario acts on: <see cref="ConsentScenarios.Phone"/>, or an email key.</summary>
    public string Subject => Key ?? ConsentScenarios.Phone;

    public override string ToString() => Name;
}
