namespace Mitzvah.Core.Consent;

/// <summary>A request to replace a known number's delivery preferences: a preference change, not a consent change.</summary>
/// <param name="Phone">E.164.</param>
/// <param name="Preferences">The new preferences, each property replacing the stored one (<see langword="null"/>: the operator's default).</param>
/// <param name="Source">Where the request came from.</param>
/// <param name="Evidence">What proves it (the keyword and message id, the operator); the store adds what changed.</param>
/// <param name="At">When it was made.</param>
public sealed record PreferenceChange(string Phone, DeliveryPreferences Preferences, ConsentSource Source, ConsentEvidence Evidence, DateTimeOffset At);
