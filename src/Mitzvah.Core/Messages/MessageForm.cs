namespace Mitzvah.Core.Messages;

/// <summary>
/// How a message is sent on WhatsApp: as free text, allowed only inside the 24-hour window that each message from
/// the user opens, or as an approved template, allowed at any time.
/// </summary>
public enum MessageForm
{
    /// <summary>The message text itself; refused outside the 24-hour window.</summary>
    Freeform,

    /// <summary>The operator's approved template filled with the message's variables.</summary>
    Template,
}
