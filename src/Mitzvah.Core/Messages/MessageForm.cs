namespace Mitzvah.Core.Messages;

/// <summary>How much detail a message carries; the composer picks the fullest form that fits Twilio's limits.</summary>
public enum MessageForm
{
    /// <summary>Every item with name, title, verse and its own link.</summary>
    Full,

    /// <summary>Short names with title and verse; one link per day.</summary>
    Compact,

    /// <summary>Short names with title; one link per day.</summary>
    Brief,

    /// <summary>Short names only; one link per day.</summary>
    CodesOnly,
}
