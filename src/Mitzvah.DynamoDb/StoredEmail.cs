using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>
/// A subscriber's email state as items hold it: the linked address (none for an email key, whose address is its
/// key), when it was confirmed and when its server refused it.
/// </summary>
internal sealed record StoredEmail(string? Address, DateTimeOffset? ConfirmedAt, DateTimeOffset? UndeliverableAt)
{
    public static StoredEmail Of(Subscriber subscriber) => new(
        AddressKey.IsEmail(subscriber.Phone) ? null : subscriber.Addresses.Email,
        subscriber.EmailConfirmedAt,
        subscriber.EmailUndeliverableAt);
}
