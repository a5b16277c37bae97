namespace Mitzvah.Core.Consent;

/// <summary>A request to mark a number unreachable, or to clear that mark: a delivery-state change, not a consent change.</summary>
public sealed record ReachabilityChange
{
    /// <summary>E.164.</summary>
    public required string Phone { get; init; }

    /// <summary><see langword="true"/> to mark the number unreachable, <see langword="false"/> to clear the mark.</summary>
    public required bool Unreachable { get; init; }

    /// <summary>For a mark: the provider's error code that made the number unreachable.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Who or what made the change (e.g. "delivery-status", "inbound-message").</summary>
    public required string Actor { get; init; }

    /// <summary>Why, in words (e.g. the send days that failed, or the message that cleared it).</summary>
    public required string Note { get; init; }

    /// <summary>For a clear by an inbound message: the provider's id of that message.</summary>
    public string? MessageId { get; init; }

    /// <summary>When it was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The evidence the history entry carries.</summary>
    public ConsentEvidence ToEvidence() => new(
        MessageId: MessageId,
        Actor: Actor,
        Note: Note,
        DeliveryState: Unreachable ? ConsentNames.Unreachable : ConsentNames.Reachable,
        ErrorCode: Unreachable ? ErrorCode : null);
}
