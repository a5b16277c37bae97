using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Delivery;

/// <summary>The ledger's single item for one (study date, phone): the state of that day's send to that number.</summary>
public sealed record DeliveryRecord
{
    /// <summary>The date whose message this is.</summary>
    public required DateOnly StudyDate { get; init; }

    /// <summary>The recipient, in E.164 form.</summary>
    public required string Phone { get; init; }

    /// <summary>Where the send stands.</summary>
    public required DeliveryState State { get; init; }

    /// <summary>Identifies the latest claim; unique per claim, so a run can tell whether its claim still holds.</summary>
    public required string ClaimId { get; init; }

    /// <summary>How many claims have been made so far, including the latest.</summary>
    public required int Attempts { get; init; }

    /// <summary>When the latest claim lapses; after it, another run may take the send over.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>The provider's message id once <see cref="DeliveryState.Sent"/>, else <see langword="null"/>.</summary>
    public required string? MessageId { get; init; }

    /// <summary>The failure's code once <see cref="DeliveryState.Failed"/>, else <see langword="null"/>.</summary>
    public required string? ErrorCode { get; init; }

    /// <summary>For <see cref="DeliveryState.Failed"/>: the failure is final and the send is not retried.</summary>
    public required bool Permanent { get; init; }

    /// <summary>When the item last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// The latest status the provider reported after accepting the message, or <see langword="null"/> before the
    /// first status callback.
    /// </summary>
    public required DeliveryStatus? DeliveryStatus { get; init; }

    /// <summary>The provider's error code with <see cref="DeliveryStatus"/>, when it reported one (failures), else <see langword="null"/>.</summary>
    public required string? DeliveryErrorCode { get; init; }

    /// <summary>When <see cref="DeliveryStatus"/> was recorded, or <see langword="null"/> before the first status callback.</summary>
    public required DateTimeOffset? DeliveryStatusAt { get; init; }

    /// <summary>
    /// The form the message of <see cref="MessageId"/> was sent in (stored "freeform" or "template"); <see langword="null"/>
    /// until a send is recorded, and on items written before forms were recorded.
    /// </summary>
    public MessageForm? Form { get; init; }

    /// <summary>
    /// The freeform message was refused for being outside WhatsApp's 24-hour window and the day's message was sent
    /// again as the template (<see cref="IDeliveryLedger.TryClaimResendAsync"/>); set once, never cleared, so it
    /// happens at most once per item. False on items written before.
    /// </summary>
    public bool ResentAsTemplate { get; init; }

    /// <summary>
    /// The message was sent freeform although the recipient's 24-hour window was closed (no template configured), so
    /// it is expected to fail. False on items written before.
    /// </summary>
    public bool OutsideWindow { get; init; }
}
