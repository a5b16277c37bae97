namespace Mitzvah.Core.Mail;

/// <summary>What a verified link says: whose address, and when it was issued.</summary>
/// <param name="Key">The subscriber's key (<see cref="Consent.AddressKey"/>).</param>
/// <param name="Address">The address the link was mailed to.</param>
/// <param name="IssuedAt">When it was signed (to the second).</param>
public sealed record EmailLink(string Key, string Address, DateTimeOffset IssuedAt);
