namespace Mitzvah.Core.Sending;

/// <summary>What a run is asked to do.</summary>
/// <param name="Date">The study date; <see langword="null"/> for the date in the send zone at <paramref name="TriggeredAt"/> (or now).</param>
/// <param name="TestRecipient">Send only to this E.164 number, outside the ledger (an operator's test); else everyone.</param>
/// <param name="DryRun">Plan, compose and count, but send nothing and write nothing.</param>
/// <param name="TriggeredAt">When the scheduler fired, if it said; else now.</param>
/// <param name="NotBeforeSendHour">
/// Do nothing if <paramref name="TriggeredAt"/> is before the send hour in the send zone: for hosts that schedule in
/// UTC at both candidate hours around daylight-saving changes. The later firing on summer days finds everything sent
/// (or finishes a run that died), so a firing that comes late still serves the day.
/// </param>
/// <param name="Deadline">
/// When the host will stop this run (a function's timeout), if it knows. Within <see cref="SendOptions.DeadlineMargin"/>
/// of it the run claims nobody new, lets the sends in flight finish and records them, and reports the rest as
/// <see cref="SendSummary.Remaining"/> for a later run; <see langword="null"/> runs to the end.
/// </param>
public sealed record SendRequest(
    DateOnly? Date = null,
    string? TestRecipient = null,
    bool DryRun = false,
    DateTimeOffset? TriggeredAt = null,
    bool NotBeforeSendHour = false,
    DateTimeOffset? Deadline = null);
