namespace Mitzvah.Core.Mail;

/// <summary>What a signed email link does.</summary>
public enum EmailLinkPurpose
{
    /// <summary>Confirms an address (double opt-in); expires.</summary>
    Confirm,

    /// <summary>Unsubscribes an address from the mail; does not expire, so every mail's link keeps working.</summary>
    Unsubscribe,
}
