namespace Mitzvah.Azure;

/// <summary>Settings only the Function app reads.</summary>
public sealed class FunctionsAppOptions
{
    /// <summary>
    /// The send tick's NCRONTAB schedule (<c>DAILY_MITZVAH_SCHEDULE</c>): <c>0 */15 * * * *</c>, every 15 minutes.
    /// Each subscriber's local send time decides who is served at a tick, so the plan's time zone does not matter.
    /// </summary>
    public string? DailySchedule { get; set; }
}
