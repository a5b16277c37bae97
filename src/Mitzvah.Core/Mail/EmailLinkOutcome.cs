namespace Mitzvah.Core.Mail;

/// <summary>What opening a confirmation or unsubscribe link did.</summary>
public enum EmailLinkOutcome
{
    /// <summary>Confirmed or unsubscribed now.</summary>
    Done,

    /// <summary>Already so: opening the link again changes nothing.</summary>
    AlreadyDone,

    /// <summary>The link is not valid (changed, cut short, or its address is no longer on record).</summary>
    Invalid,

    /// <summary>The confirmation link is older than its lifetime.</summary>
    Expired,
}
