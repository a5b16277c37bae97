namespace Mitzvah.Core.Consent;

/// <summary>A request to set a phone number's consent.</summary>
/// <param name="Phone">E.164.</param>
/// <param name="Status">The wanted status.</param>
/// <param name="Source">Where the request came from.</param>
/// <param name="Evidence">What proves it.</param>
/// <param name="At">When it was made.</param>
/// <param name="Preferences">
/// For a number not yet recorded: the delivery preferences it starts with (<see cref="JoinDefaults"/>, or what a
/// form chose); <see langword="null"/> for the operator's defaults. A known number keeps its own.
/// </param>
public sealed record ConsentChange(
    string Phone,
    ConsentStatus Status,
    ConsentSource Source,
    ConsentEvidence Evidence,
    DateTimeOffset At,
    DeliveryPreferences? Preferences = null);
