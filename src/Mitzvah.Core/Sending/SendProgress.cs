namespace Mitzvah.Core.Sending;

/// <summary>How far a run has got.</summary>
/// <param name="Done">Recipients finished, whatever the outcome.</param>
/// <param name="Total">Recipients expected.</param>
/// <param name="Sent">Messages accepted by the provider so far.</param>
/// <param name="Failed">Recipients that failed so far.</param>
public readonly record struct SendProgress(long Done, long Total, long Sent, long Failed);
