namespace Mitzvah.Core.Messages;

/// <summary>
/// How much detail a WhatsApp body carries; <see cref="WhatsAppRenderer"/> picks the fullest form that fits the
/// channel's body limit. Every form shows every item's name and a title.
/// </summary>
public enum WhatsAppForm
{
    /// <summary>Every item with its full name, title, verse and own link; each day with its cycle day.</summary>
    Full,

    /// <summary>Short names with title and verse; one link per day.</summary>
    Compact,

    /// <summary>Short names with title; one link per day.</summary>
    Brief,

    /// <summary>Short names with title; one link for the message; days without their cycle day.</summary>
    Condensed,

    /// <summary>Short names with short titles; one link for the message; days without their cycle day.</summary>
    ShortTitles,
}
