using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Mail;

/// <summary>A request to receive the daily mail at an address.</summary>
/// <param name="Address">The address as given (checked with <see cref="EmailAddress.Problem"/> first).</param>
/// <param name="Phone">The subscribed WhatsApp number to link the address to, or <see langword="null"/> for an email-only subscription.</param>
/// <param name="Channel">The channel choice; <see langword="null"/>: email alone, or both beside a number.</param>
/// <param name="Preferences">For a new email-only subscriber: its time, zone and calendar.</param>
/// <param name="Source">Where the request came from.</param>
/// <param name="Evidence">What proves it (IP, user agent, consent text, keyword).</param>
public sealed record EmailSubscribeRequest(
    string Address,
    string? Phone,
    DeliveryChannel? Channel,
    DeliveryPreferences? Preferences,
    ConsentSource Source,
    ConsentEvidence Evidence);
