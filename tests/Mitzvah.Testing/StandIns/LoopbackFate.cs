using Mitzvah.Core.Delivery;

namespace Mitzvah.Testing.StandIns;

/// <summary>How a message <see cref="LoopbackTwilio"/> accepted ends, as its last status callback reports it.</summary>
public sealed record LoopbackFate
{
    /// <summary>The message reached the phone.</summary>
    public static LoopbackFate Delivered { get; } = new() { Status = "delivered" };

    /// <summary>The recipient opened it (after <c>delivered</c>).</summary>
    public static LoopbackFate Read { get; } = new() { Status = "read" };

    /// <summary>Twilio's final status: <c>delivered</c>, <c>read</c>, <c>failed</c> or <c>undelivered</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The ErrorCode the failure callback carries; <see langword="null"/> for success.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The status the app's ledger must end with once every callback of this fate has been answered.</summary>
    public DeliveryStatus LedgerStatus => Status switch
    {
        "read" => DeliveryStatus.Read,
        "failed" => DeliveryStatus.Failed,
        "undelivered" => DeliveryStatus.Undelivered,
        _ => DeliveryStatus.Delivered,
    };

    /// <summary>Twilio gave up before the channel took it (no <c>sent</c>), e.g. 63024 not a WhatsApp number.</summary>
    public static LoopbackFate Failed(string errorCode) => new() { Status = "failed", ErrorCode = errorCode };

    /// <summary>The channel took it and could not deliver it, e.g. 63016 freeform outside the 24-hour window.</summary>
    public static LoopbackFate Undelivered(string errorCode) => new() { Status = "undelivered", ErrorCode = errorCode };

    /// <summary>The statuses Twilio reports for this fate, in the order they happen.</summary>
    public IReadOnlyList<string> Progression() => Status switch
    {
        "failed" => ["queued", "failed"],
        "undelivered" => ["queued", "sent", "undelivered"],
        "read" => ["queued", "sent", "delivered", "read"],
        _ => ["queued", "sent", Status],
    };
}
