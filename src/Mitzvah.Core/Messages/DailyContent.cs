namespace Mitzvah.Core.Messages;

/// <summary>What one date's message says, before any channel lays it out.</summary>
/// <remarks>
/// Channel-neutral: every channel renders the same content in its own format and within its own limits (see
/// <see cref="WhatsAppRenderer"/>), so a new channel is a new renderer, not a change to the composer or the send loop.
/// Immutable.
/// </remarks>
public sealed record DailyContent
{
    /// <summary>The send date.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>The send date in words: "Wednesday, 25 November 2026".</summary>
    public required string DateLine { get; init; }

    /// <summary>The send date's Hebrew date: "15 Kislev 5787".</summary>
    public required string HebrewDate { get; init; }

    /// <summary>The days whose study the message carries, in order; the send date first.</summary>
    public required IReadOnlyList<ContentDay> Days { get; init; }

    /// <summary>
    /// The rest days carried along with the send date, by name and date ("Shabbat 28 Nov", "Rosh Hashanah 3 Oct");
    /// empty when the message carries only its own date.
    /// </summary>
    public required IReadOnlyList<string> RestDaysCovered { get; init; }

    /// <summary>The send date's study page, which leads on to the following days.</summary>
    public required Uri StudyLink { get; init; }
}
