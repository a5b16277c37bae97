using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Delivery;

/// <summary>The storage names of delivery values, shared by every ledger so that they agree.</summary>
public static class DeliveryNames
{
    /// <summary>
    /// The error code of a ledger item failed for good because its message could no longer go out: the recipient's
    /// local day (or the window before candle lighting) ended before a tick could send it.
    /// </summary>
    public const string MissedErrorCode = "missed";

    /// <summary>"claimed", "sent" or "failed".</summary>
    public static string ToName(this DeliveryState state) => state switch
    {
        DeliveryState.Claimed => "claimed",
        DeliveryState.Sent => "sent",
        DeliveryState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state named <paramref name="name"/>, as written by <see cref="ToName(DeliveryState)"/>.</summary>
    /// <exception cref="FormatException">The name is not a delivery state's.</exception>
    public static DeliveryState ParseState(string name) => name switch
    {
        "claimed" => DeliveryState.Claimed,
        "sent" => DeliveryState.Sent,
        "failed" => DeliveryState.Failed,
        _ => throw new FormatException($"Unknown delivery state '{name}'."),
    };

    /// <summary>"accepted", "sending", "sent", "delivered", "read", "undelivered" or "failed".</summary>
    public static string ToName(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Accepted => "accepted",
        DeliveryStatus.Sending => "sending",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Read => "read",
        DeliveryStatus.Undelivered => "undelivered",
        DeliveryStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The status named <paramref name="name"/>, as written by <see cref="ToName(DeliveryStatus)"/>.</summary>
    /// <exception cref="FormatException">The name is not a delivery status's.</exception>
    public static DeliveryStatus ParseStatus(string name) => name switch
    {
        "accepted" => DeliveryStatus.Accepted,
        "sending" => DeliveryStatus.Sending,
        "sent" => DeliveryStatus.Sent,
        "delivered" => DeliveryStatus.Delivered,
        "read" => DeliveryStatus.Read,
        "undelivered" => DeliveryStatus.Undelivered,
        "failed" => DeliveryStatus.Failed,
        _ => throw new FormatException($"Unknown delivery status '{name}'."),
    };

    /// <summary>
    /// How far along <paramref name="status"/> is (1 to 6); a status replaces only one of lower rank. The two
    /// failures share the top rank: whichever arrives first stays.
    /// </summary>
    public static int Rank(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Accepted => 1,
        DeliveryStatus.Sending => 2,
        DeliveryStatus.Sent => 3,
        DeliveryStatus.Delivered => 4,
        DeliveryStatus.Read => 5,
        DeliveryStatus.Undelivered or DeliveryStatus.Failed => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>
    /// Whether a record whose latest status is <paramref name="current"/> (none yet: <see langword="null"/>) takes
    /// <paramref name="next"/>: only when it ranks higher.
    /// </summary>
    public static bool Advances(this DeliveryStatus next, DeliveryStatus? current) => current is null || next.Rank() > current.Value.Rank();

    /// <summary>"freeform", "template", "email" or "email-fallback".</summary>
    public static string ToName(this MessageForm form) => form switch
    {
        MessageForm.Freeform => "freeform",
        MessageForm.Template => "template",
        MessageForm.Email => "email",
        MessageForm.FallbackEmail => "email-fallback",
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, null),
    };

    /// <summary>The form named <paramref name="name"/>, as written by <see cref="ToName(MessageForm)"/>.</summary>
    /// <exception cref="FormatException">The name is not a message form's.</exception>
    public static MessageForm ParseForm(string name) => name switch
    {
        "freeform" => MessageForm.Freeform,
        "template" => MessageForm.Template,
        "email" => MessageForm.Email,
        "email-fallback" => MessageForm.FallbackEmail,
        _ => throw new FormatException($"Unknown message form '{name}'."),
    };
}
