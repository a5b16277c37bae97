namespace Mitzvah.Core.Mail;

/// <summary>Why a mail was not accepted, and so what to do next.</summary>
public enum MailFailureKind
{
    /// <summary>The recipient's address is undeliverable (refused for good, or malformed): stop mailing it.</summary>
    Permanent,

    /// <summary>A temporary refusal or a connection problem: the same mail may succeed later.</summary>
    Transient,

    /// <summary>
    /// Refused for reasons on the sending side (login, sender address, the message itself): no fault of the
    /// recipient, and resending the same mail will not help until the settings or content change.
    /// </summary>
    Rejected,
}
