namespace Mitzvah.Core.Messages;

/// <summary>The per-recipient links an email carries in its footer.</summary>
/// <remarks>
/// The renderer shows exactly these links and never builds one itself: the subscription side owns the URLs and
/// their tokens. Both must be absolute https URLs, since they open in a browser from any mail client.
/// </remarks>
public sealed record EmailLinks
{
    /// <summary>The recipient's own unsubscribe page, shown as the footer's "Unsubscribe" link.</summary>
    public required Uri Unsubscribe { get; init; }

    /// <summary>The recipient's subscription settings page, or <see langword="null"/> to show no such link.</summary>
    public Uri? Manage { get; init; }
}
