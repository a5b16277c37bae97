using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Consent;

/// <summary>
/// Asks the owner of a number that was entered on the web to confirm it: an approved message (a WhatsApp template
/// with a YES quick reply) sent once per web opt-in. The owner's answer arrives as an ordinary inbound message.
/// </summary>
/// <remarks>Thread-safe. Provider errors are returned as a failed <see cref="SendOutcome"/>, never thrown.</remarks>
public interface IConsentConfirmationSender
{
    /// <summary>Whether a confirmation message is configured; without one, the owner confirms by writing JOIN MITZVAH.</summary>
    bool IsEnabled { get; }

    /// <summary>Sends the confirmation request to <paramref name="phone"/> (E.164).</summary>
    Task<SendOutcome> SendConfirmationAsync(string phone, CancellationToken cancellationToken = default);
}
