using Mitzvah.Core.Sending;

namespace Mitzvah.Testing;

/// <summary>Run summaries with a value in every counter, for tests of what the hosts publish from them.</summary>
public static class SendSummaries
{
    /// <summary>A real run of <paramref name="date"/> (default 25 November 2026) with every counter distinct enough to tell apart.</summary>
    public static SendSummary Run(DateOnly? date = null)
    {
        var day = date ?? new DateOnly(2026, 11, 25);
        return new SendSummary(
            day,
            true,
            null,
            [day],
            "twilio",
            "subscribers",
            false,
            null,
            Eligible: 12,
            Sent: 7,
            AlreadySent: 2,
            InProgressElsewhere: 0,
            Failed: 3,
            OptedOut: 1,
            Invalid: 1,
            TemplateRequired: 1,
            DurationMs: 4321);
    }
}
