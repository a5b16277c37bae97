namespace Mitzvah.Core.Mail;

/// <summary>What an email sign-up did.</summary>
public enum EmailSubscribeOutcome
{
    /// <summary>The address is recorded unconfirmed and its confirmation mail was accepted for delivery.</summary>
    ConfirmationSent,

    /// <summary>The address is recorded unconfirmed, but the confirmation mail could not be sent now.</summary>
    ConfirmationFailed,

    /// <summary>The address was confirmed already: nothing changed, nothing sent.</summary>
    AlreadyConfirmed,

    /// <summary>The number the address should be linked to is not subscribed: nothing written.</summary>
    UnknownPhone,
}
