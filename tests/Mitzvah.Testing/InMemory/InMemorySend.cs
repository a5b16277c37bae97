using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;

namespace Mitzvah.Testing.InMemory;

/// <summary>One call of <see cref="InMemoryMessenger.SendAsync"/>, as the messenger saw it arrive.</summary>
public sealed record InMemorySend
{
    /// <summary>The recipient the caller named.</summary>
    public required string Phone { get; init; }

    /// <summary>The message the caller handed over.</summary>
    public required DailyMessage Message { get; init; }

    /// <summary>The form the caller asked for.</summary>
    public MessageForm Form { get; init; }

    /// <summary>When the call arrived, by the messenger's clock.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>How many sends were in flight when this one arrived, itself included.</summary>
    public required int InFlight { get; init; }

    /// <summary>What the call answers (or will, once released); <see langword="null"/> when it throws.</summary>
    public required SendOutcome? Outcome { get; init; }

    /// <summary>Whether the messenger took the message, whether or not the caller heard back.</summary>
    public bool Accepted => Outcome?.Accepted == true;
}
