namespace Mitzvah.Core.Delivery;

/// <summary>The ledger's single item for one (study date, phone): the state of that day's send to that number.</summary>
/// <param name="StudyDate">The date whose message this is.</param>
/// <param name="Phone">The recipient, in E.164 form.</param>
/// <param name="State">Where the send stands.</param>
/// <param name="ClaimId">Identifies the latest claim; unique per claim, so a run can tell whether its claim still holds.</param>
/// <param name="Attempts">How many claims have been made so far, including the latest.</param>
/// <param name="LeaseExpiresAt">When the latest claim lapses; after it, another run may take the send over.</param>
/// <param name="MessageSid">The provider's message id once <see cref="DeliveryState.Sent"/>, else <see langword="null"/>.</param>
/// <param name="ErrorCode">The failure's code once <see cref="DeliveryState.Failed"/>, else <see langword="null"/>.</param>
/// <param name="Permanent">For <see cref="DeliveryState.Failed"/>: the failure is final and the send is not retried.</param>
/// <param name="UpdatedAt">When the item last changed.</param>
public sealed record DeliveryRecord(
    DateOnly StudyDate,
    string Phone,
    DeliveryState State,
    string ClaimId,
    int Attempts,
    DateTimeOffset LeaseExpiresAt,
    string? MessageSid,
    string? ErrorCode,
    bool Permanent,
    DateTimeOffset UpdatedAt);
