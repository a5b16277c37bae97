using Mitzvah.Core.Messages;

namespace Mitzvah.Core.Sending;

/// <summary>Hands a daily message to a messaging provider (a WhatsApp API, or a local outbox).</summary>
/// <remarks>
/// Implementations are thread-safe and are called concurrently. Provider errors are returned as a failed
/// <see cref="SendOutcome"/> in Core's vocabulary, never thrown; only cancellation of the caller's token throws.
/// </remarks>
public interface IMessenger
{
    /// <summary>A short name for logs and summaries (e.g. "outbox").</summary>
    string Kind { get; }

    /// <summary>
    /// Whether <see cref="SendAsync"/> can send <see cref="MessageForm.Template"/> (an approved template is
    /// configured); without one, only freeform, which WhatsApp refuses outside its 24-hour window.
    /// </summary>
    bool HasTemplate { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="phone"/> (E.164) once in <paramref name="form"/>; the caller retries.</summary>
    /// <remarks>
    /// The caller chooses the form (<see cref="MessageWindow"/>). <see cref="MessageForm.Template"/> without
    /// <see cref="HasTemplate"/> is answered as <see cref="SendFailureKind.Rejected"/>.
    /// </remarks>
    Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks for <paramref name="message"/> already accepted for <paramref name="phone"/> at or after
    /// <paramref name="since"/>, in either form, and returns its id, or <see langword="null"/> if there is none.
    /// </summary>
    /// <remarks>
    /// Used before sending again after an earlier attempt whose outcome is unknown (a run that died, or a timeout),
    /// so that a message the provider did accept is recorded rather than sent twice. Throws when the provider cannot
    /// be asked (an outage, a rate limit): that is not "none", and the caller must not send on it.
    /// </remarks>
    Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default);
}
