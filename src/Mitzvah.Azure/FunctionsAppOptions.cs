namespace Mitzvah.Azure;

/// <summary>Settings only the Function app reads.</summary>
public sealed class FunctionsAppOptions
{
    /// <summary>
    /// The timer's NCRONTAB schedule (<c>DAILY_MITZVAH_SCHEDULE</c>), in UTC unless the plan sets
    /// <c>WEBSITE_TIME_ZONE</c>; e.g. <c>0 0 15,16 * * *</c> fires at both UTC hours that can be 10:00 in Chicago.
    /// </summary>
    public string? DailySchedule { get; set; }
}
