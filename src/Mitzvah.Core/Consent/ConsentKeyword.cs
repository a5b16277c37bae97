namespace Mitzvah.Core.Consent;

/// <summary>What an inbound WhatsApp message asks for.</summary>
public enum ConsentKeyword
{
    /// <summary>Anything that is not a keyword.</summary>
    Unknown,

    /// <summary>JOIN MITZVAH, JOIN, START, YES, UNSTOP, SUBSCRIBE (the whole message).</summary>
    OptIn,

    /// <summary>STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT (the message is or begins with one).</summary>
    OptOut,

    /// <summary>STATUS.</summary>
    Status,

    /// <summary>HELP or INFO.</summary>
    Help,
}
