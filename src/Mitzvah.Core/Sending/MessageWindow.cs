using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>
/// WhatsApp's 24-hour customer-service window: freeform messages are delivered only within 24 hours of the user's
/// last message to us; outside it only an approved template is.
/// </summary>
public static class MessageWindow
{
    /// <summary>How long the window stays open after each message from the user.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether the window of a user who last wrote at <paramref name="lastInboundAt"/> is still open at
    /// <paramref name="now"/> with <paramref name="margin"/> to spare: <c>lastInboundAt + 24 h - margin &gt; now</c>.
    /// Never open for a user who never wrote (<see langword="null"/>).
    /// </summary>
    public static bool IsOpen(DateTimeOffset? lastInboundAt, DateTimeOffset now, TimeSpan margin) =>
        lastInboundAt is { } at && at + Length - margin > now;

    /// <summary>
    /// The form to send to a recipient whose window is <paramref name="open"/> or not: with a template, freeform
    /// inside the window and the template outside it; without one, freeform always, flagged
    /// <c>OutsideWindow</c> when the window is closed (WhatsApp is expected to refuse it).
    /// </summary>
    public static (MessageForm Form, bool OutsideWindow) Choose(bool open, bool hasTemplate) =>
        hasTemplate
            ? (open ? MessageForm.Freeform : MessageForm.Template, false)
            : (MessageForm.Freeform, !open);
}
