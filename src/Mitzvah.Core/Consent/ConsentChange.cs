namespace Mitzvah.Core.Consent;

/// <summary>A request to set a phone number's consent.</summary>
/// <param name="Phone">E.164.</param>
/// <param name="Status">The wanted status.</param>
/// <param name="Source">Where the request came from.</param>
/// <param name="Evidence">What proves it.</param>
/// <param name="At">When it was made.</param>
public sealed record ConsentChange(string Phone, ConsentStatus Status, ConsentSource Source, ConsentEvidence Evidence, DateTimeOffset At);
