namespace Mitzvah.Core.Sending;

/// <summary>How one day's mail to one address ended in a run.</summary>
public enum MailDelivery
{
    /// <summary>Accepted by the mail server now.</summary>
    Sent,

    /// <summary>Sent by an earlier run: nothing sent again.</summary>
    AlreadySent,

    /// <summary>Failed for the day (refused for good, or by the sender's settings); not tried again for the date.</summary>
    Failed,

    /// <summary>Failed for now (a temporary refusal): a later tick of the same day tries again.</summary>
    Retry,

    /// <summary>Claimed by another live run.</summary>
    InProgressElsewhere,
}
