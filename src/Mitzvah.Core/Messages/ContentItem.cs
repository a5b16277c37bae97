namespace Mitzvah.Core.Messages;

/// <summary>One commandment or section in a message.</summary>
public sealed record ContentItem
{
    /// <summary>The full name: "Positive Commandment 186".</summary>
    public required string Name { get; init; }

    /// <summary>The compact name: "P186".</summary>
    public required string ShortName { get; init; }

    /// <summary>The title.</summary>
    public required string Title { get; init; }

    /// <summary>The shortest title, for when the full titles do not fit.</summary>
    public required string ShortTitle { get; init; }

    /// <summary>The Torah verse the commandment rests on, or <see langword="null"/> for a section.</summary>
    public required string? Verse { get; init; }

    /// <summary>Where to read the full text.</summary>
    public required Uri Link { get; init; }

    /// <summary>
    /// Whether an earlier day of the same message already named this item (a long commandment studied over several
    /// days): channels show it as continued rather than repeat its title.
    /// </summary>
    public required bool Continued { get; init; }
}
