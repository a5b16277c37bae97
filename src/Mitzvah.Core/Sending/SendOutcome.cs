namespace Mitzvah.Core.Sending;

/// <summary>What became of one attempt to send a message.</summary>
/// <param name="MessageId">The provider's id of the accepted message; <see langword="null"/> when it failed.</param>
/// <param name="Failure">Why it failed; <see langword="null"/> when it was accepted.</param>
/// <param name="ErrorCode">The provider's error code ("21610", "429", "timeout"); <see langword="null"/> when accepted.</param>
/// <param name="Detail">The provider's message, for logs; never contains secrets.</param>
/// <param name="RetryAfter">How long the provider asked us to wait before retrying, if it said.</param>
public sealed record SendOutcome(string? MessageId, SendFailureKind? Failure, string? ErrorCode, string? Detail, TimeSpan? RetryAfter)
{
    /// <summary>Whether the provider accepted the message.</summary>
    public bool Accepted => MessageId is not null;

    /// <summary>The provider accepted the message as <paramref name="messageId"/>.</summary>
    public static SendOutcome Sent(string messageId) => new(messageId, null, null, null, null);

    /// <summary>The provider did not accept the message.</summary>
    public static SendOutcome Failed(SendFailureKind kind, string errorCode, string detail, TimeSpan? retryAfter = null) =>
        new(null, kind, errorCode, detail, retryAfter);
}
