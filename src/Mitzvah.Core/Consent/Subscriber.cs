namespace Mitzvah.Core.Consent;

/// <summary>A phone number's current consent, as a store holds it.</summary>
/// <param name="Phone">E.164, e.g. +15551234567.</param>
/// <param name="Channel">Always "whatsapp" for now.</param>
/// <param name="Status">Current consent.</param>
/// <param name="Purpose">What the consent is for: "daily_mitzvot".</param>
/// <param name="Source">Where the latest change came from.</param>
/// <param name="Evidence">The latest change's evidence.</param>
/// <param name="CreatedAt">When the number was first recorded.</param>
/// <param name="UpdatedAt">When the latest change was recorded.</param>
/// <param name="Version">1 for the first change, +1 for each later one; equals the number of history entries.</param>
public sealed record Subscriber(
    string Phone,
    string Channel,
    ConsentStatus Status,
    string Purpose,
    ConsentSource Source,
    ConsentEvidence Evidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);
