namespace Mitzvah.Core.Sending;

/// <summary>How the daily run fans out and retries.</summary>
public sealed class SendOptions
{
    /// <summary>The most sends in flight at once (<c>MITZVAH_SEND_CONCURRENCY</c>), 1-256.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Attempts per recipient within one run, counting the first, 1-10.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first back-off; each retry doubles it, with full jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before one retry; a longer Retry-After ends this run's attempts for that recipient.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a claim holds before another run may take it over. It must outlast one recipient's attempts and
    /// back-offs, or two runs could both send.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long before a run's <see cref="SendRequest.Deadline"/> it stops claiming recipients and starting back-offs.
    /// It must cover the longest back-off (<see cref="MaxDelay"/>) plus a send in flight (the messenger's request
    /// timeout) plus recording it; 60 s by default, which hosts should not go below.
    /// </summary>
    public TimeSpan DeadlineMargin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long before WhatsApp's 24-hour window closes a recipient already counts as outside it
    /// (<c>MITZVAH_WINDOW_MARGIN_MINUTES</c>, default 60): a message sent just inside may reach WhatsApp after the
    /// window closed. 0 to less than 24 hours.
    /// </summary>
    public TimeSpan WindowMargin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The manual trigger's token (<c>SEND_TOKEN</c>); unset disables the trigger.</summary>
    public string? SendToken { get; set; }
}
