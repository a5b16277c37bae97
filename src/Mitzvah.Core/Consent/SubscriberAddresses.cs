namespace Mitzvah.Core.Consent;

/// <summary>Where a subscriber is reached: one address per channel, <see langword="null"/> for a channel it has none on.</summary>
/// <remarks>
/// <para>
/// Every subscriber so far has a WhatsApp number, and that number is its <see cref="Subscriber.Phone"/>, the key
/// under which every store holds it; stores derive this value from the key rather than storing it twice.
/// </para>
/// <para>
/// Another channel is another property beside <see cref="WhatsApp"/> (an email address, for instance), stored by each
/// store as one more optional column or attribute. A subscriber reached on that channel only has no WhatsApp number;
/// stores keep their key as it is (a text key that today holds the phone number) and hold such a subscriber under a
/// key derived from its other address.
/// </para>
/// </remarks>
public sealed record SubscriberAddresses
{
    /// <summary>The WhatsApp number in E.164, or <see langword="null"/> for a subscriber not reached on WhatsApp.</summary>
    public string? WhatsApp { get; init; }

    /// <summary>The addresses of a subscriber reached on WhatsApp at <paramref name="phone"/> only: every subscriber so far.</summary>
    public static SubscriberAddresses ForWhatsApp(string phone)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phone);
        return new SubscriberAddresses { WhatsApp = phone };
    }
}
