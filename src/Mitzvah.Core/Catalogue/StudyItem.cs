namespace Mitzvah.Core.Catalogue;

/// <summary>One item of the study cycle as a reader sees it.</summary>
/// <param name="Code">The cycle's code, verbatim: <c>P186</c>, <c>N10</c> or a section name.</param>
/// <param name="Kind">Commandment or section.</param>
/// <param name="Name">The full name: "Positive Commandment 186", "Principles 1-3".</param>
/// <param name="ShortName">The compact name: "P186", "Principles 1-3".</param>
/// <param name="Title">The project's concise English title (at most 90 characters, never ending in a bracket).</param>
/// <param name="ShortTitle">
/// The project's shortest English title (at most <see cref="MitzvahCatalogue.MaxShortTitleLength"/> characters), for
/// messages that carry so many items that the full titles do not fit.
/// </param>
/// <param name="Verse">The Torah verse a commandment rests on ("Deuteronomy 13:17"); <see langword="null"/> for sections.</param>
/// <param name="Link">Where to read the full text.</param>
public sealed record StudyItem(
    string Code,
    StudyItemKind Kind,
    string Name,
    string ShortName,
    string Title,
    string ShortTitle,
    string? Verse,
    Uri Link);
