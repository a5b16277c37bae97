namespace Mitzvah.Core.Messages;

/// <summary>One day whose study a message carries.</summary>
public sealed record ContentDay
{
    /// <summary>The civil date.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>The weekday's name, "Shabbat" for Saturday.</summary>
    public required string Weekday { get; init; }

    /// <summary>The Hebrew day and month: "17 Kislev".</summary>
    public required string HebrewDate { get; init; }

    /// <summary>The Yom Tov the day falls on ("Rosh Hashanah"), or <see langword="null"/>.</summary>
    public required string? Festival { get; init; }

    /// <summary>The day of the study cycle, 1 to <see cref="Study.StudyCycle.Length"/>.</summary>
    public required int CycleDay { get; init; }

    /// <summary>The day's items in study order; never empty.</summary>
    public required IReadOnlyList<ContentItem> Items { get; init; }

    /// <summary>A note for the days on which printed editions differ; otherwise <see langword="null"/>.</summary>
    public required string? EditionNote { get; init; }

    /// <summary>The day's study page.</summary>
    public required Uri StudyLink { get; init; }
}
