namespace Mitzvah.Core.Sending;

/// <summary>What a run is asked to do.</summary>
/// <param name="Date">
/// A study date: that date's message to every recipient who has not had it, whatever their clock (manual catch-up),
/// each in their own calendar. <see langword="null"/> for a tick: every recipient whose send moment has come by
/// <paramref name="At"/> gets their local date's message (<see cref="SendSchedule"/>).
/// </param>
/// <param name="TestRecipient">Send only to this E.164 number, outside the ledger (an operator's test); else everyone.</param>
/// <param name="DryRun">Plan, compose and count, but send nothing and write nothing.</param>
/// <param name="At">The instant a tick runs as of (operators, simulations); <see langword="null"/> for now.</param>
/// <param name="Deadline">
/// When the host will stop this run (a function's timeout), if it knows. Within <see cref="SendOptions.DeadlineMargin"/>
/// of it the run claims nobody new, lets the sends in flight finish and records them, and reports the rest as
/// <see cref="SendSummary.Remaining"/> for a later run; <see langword="null"/> runs to the end. A tick's remainder
/// stays due, so the next tick serves it.
/// </param>
public sealed record SendRequest(
    DateOnly? Date = null,
    string? TestRecipient = null,
    bool DryRun = false,
    DateTimeOffset? At = null,
    DateTimeOffset? Deadline = null);
