namespace Mitzvah.Core.Delivery;

/// <summary>The storage names of delivery values, shared by every ledger so that they agree.</summary>
public static class DeliveryNames
{
    /// <summary>"claimed", "sent" or "failed".</summary>
    public static string ToName(this DeliveryState state) => state switch
    {
        DeliveryState.Claimed => "claimed",
        DeliveryState.Sent => "sent",
        DeliveryState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state named <paramref name="name"/>, as written by <see cref="ToName"/>.</summary>
    /// <exception cref="FormatException">The name is not a delivery state's.</exception>
    public static DeliveryState ParseState(string name) => name switch
    {
        "claimed" => DeliveryState.Claimed,
        "sent" => DeliveryState.Sent,
        "failed" => DeliveryState.Failed,
        _ => throw new FormatException($"Unknown delivery state '{name}'."),
    };
}
