using Mitzvah.Core.Delivery;

namespace Mitzvah.Testing;

/// <summary>Ledger items in each state a report counts, for tests of what is computed from the ledger.</summary>
public static class DeliveryRecords
{
    /// <summary>The study date the items are of unless told otherwise.</summary>
    public static readonly DateOnly Date = new(2026, 11, 24);

    private static readonly DateTimeOffset At = new(2026, 11, 24, 16, 0, 0, TimeSpan.Zero);

    /// <summary>Accepted as a message id made from the phone, with <paramref name="status"/> reported (none: no callback yet).</summary>
    public static DeliveryRecord Sent(string phone, DeliveryStatus? status = null, string? errorCode = null) => Base(phone, DeliveryState.Sent) with
    {
        MessageId = "SM" + phone.TrimStart('+'),
        DeliveryStatus = status,
        DeliveryErrorCode = errorCode,
        DeliveryStatusAt = status is null ? null : At.AddMinutes(1),
    };

    /// <summary>Accepted and reported delivered.</summary>
    public static DeliveryRecord Delivered(string phone) => Sent(phone, DeliveryStatus.Delivered);

    /// <summary>Refused by the provider at once with <paramref name="errorCode"/>.</summary>
    public static DeliveryRecord Refused(string phone, string errorCode, bool permanent = false) =>
        Base(phone, DeliveryState.Failed) with { ErrorCode = errorCode, Permanent = permanent };

    /// <summary>Claimed by a run that has not recorded an outcome.</summary>
    public static DeliveryRecord Claimed(string phone) => Base(phone, DeliveryState.Claimed);

    private static DeliveryRecord Base(string phone, DeliveryState state) => new()
    {
        StudyDate = Date,
        Phone = phone,
        State = state,
        ClaimId = Guid.NewGuid().ToString("N"),
        Attempts = 1,
        LeaseExpiresAt = At.AddMinutes(5),
        MessageId = null,
        ErrorCode = null,
        Permanent = false,
        UpdatedAt = At,
        DeliveryStatus = null,
        DeliveryErrorCode = null,
        DeliveryStatusAt = null,
    };
}
