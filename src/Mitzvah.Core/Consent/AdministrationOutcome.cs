namespace Mitzvah.Core.Consent;

/// <summary>What an operator's change to one subscriber did.</summary>
public enum AdministrationOutcome
{
    /// <summary>The status changed and one history entry was appended.</summary>
    Changed,

    /// <summary>The number already had the wanted status: nothing was written.</summary>
    Unchanged,

    /// <summary>
    /// Not re-subscribed: the number's owner unsubscribed it (or the provider reported it blocked or invalid), and
    /// the change was not forced. Nothing was written.
    /// </summary>
    RefusedOptedOutByOwner,
}
