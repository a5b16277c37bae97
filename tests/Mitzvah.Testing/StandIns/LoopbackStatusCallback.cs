namespace Mitzvah.Testing.StandIns;

/// <summary>One status callback <see cref="LoopbackTwilio"/> posted, and what the app answered.</summary>
public sealed record LoopbackStatusCallback
{
    /// <summary>The message it reports on.</summary>
    public required string MessageSid { get; init; }

    /// <summary>The recipient, E.164 without <c>whatsapp:</c>.</summary>
    public required string Phone { get; init; }

    /// <summary>The reported MessageStatus (<c>queued</c>, <c>sent</c>, <c>delivered</c>, …).</summary>
    public required string Status { get; init; }

    /// <summary>The reported ErrorCode, on failures.</summary>
    public required string? ErrorCode { get; init; }

    /// <summary>What was posted.</summary>
    public required WebhookPost Post { get; init; }

    /// <summary>1, or 2 for Twilio's one retry after a failed attempt.</summary>
    public required int Attempt { get; init; }

    /// <summary>A second copy of a callback already posted (Twilio sends some twice).</summary>
    public required bool Duplicate { get; init; }

    /// <summary>The app's answer, or <see langword="null"/> when the post itself failed (see <see cref="PostError"/>).</summary>
    public required WebhookAnswer? Answer { get; init; }

    /// <summary>Why the post could not be made (connection refused, timeout), else <see langword="null"/>.</summary>
    public required string? PostError { get; init; }

    /// <summary>From the start of the post to the end of the answer (for benchmarks; tests do not assert on it).</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>The app answered 2xx.</summary>
    public bool Answered => Answer?.IsSuccess == true;
}
