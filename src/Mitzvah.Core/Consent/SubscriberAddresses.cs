namespace Mitzvah.Core.Consent;

/// <summary>Where a subscriber is reached: one address per channel, <see langword="null"/> for a channel it has none on.</summary>
/// <remarks>
/// Stores derive <see cref="WhatsApp"/> from their key (<see cref="AddressKey"/>) rather than storing it twice; an
/// email-only subscriber's key is its address, a WhatsApp subscriber's <see cref="Email"/> one more optional column.
/// </remarks>
public sealed record SubscriberAddresses
{
    /// <summary>The WhatsApp number in E.164, or <see langword="null"/> for a subscriber not reached on WhatsApp.</summary>
    public string? WhatsApp { get; init; }

    /// <summary>The email address, normalised, or <see langword="null"/>; confirmed or not (<see cref="Subscriber.IsEmailConfirmed"/>).</summary>
    public string? Email { get; init; }

    /// <summary>The addresses of a subscriber reached on WhatsApp at <paramref name="phone"/> only.</summary>
    public static SubscriberAddresses ForWhatsApp(string phone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phone);
        return new SubscriberAddresses { WhatsApp = phone };
    }

    /// <summary>
    /// The addresses of the subscriber keyed <paramref name="key"/>: its number, or for an email key its address;
    /// <paramref name="storedEmail"/> is the address a WhatsApp subscriber linked (ignored for an email key).
    /// </summary>
    public static SubscriberAddresses ForKey(string key, string? storedEmail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return AddressKey.EmailOf(key) is { } address
            ? new SubscriberAddresses { Email = address }
            : new SubscriberAddresses { WhatsApp = key, Email = storedEmail };
    }
}
