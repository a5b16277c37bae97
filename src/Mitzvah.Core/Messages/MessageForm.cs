namespace Mitzvah.Core.Messages;

/// <summary>
/// How a delivery went out: on WhatsApp as free text, allowed only inside the 24-hour window that each message from
/// the user opens, or as an approved template, allowed at any time; or as the daily mail.
/// </summary>
public enum MessageForm
{
    /// <summary>The message text itself; refused outside the 24-hour window.</summary>
    Freeform,

    /// <summary>The operator's approved template filled with the message's variables.</summary>
    Template,

    /// <summary>The daily mail, to a subscriber whose channel includes email.</summary>
    Email,

    /// <summary>The daily mail, sent because that day's WhatsApp message to a fallback subscriber ended failed.</summary>
    FallbackEmail,
}
