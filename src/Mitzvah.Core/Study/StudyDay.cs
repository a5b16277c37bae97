namespace Mitzvah.Core.Study;

/// <summary>One civil date's place in the Sefer HaMitzvos cycle.</summary>
/// <param name="Date">The civil date.</param>
/// <param name="CycleDay">The day of the 339-day cycle, 1 to 339.</param>
/// <param name="Codes">The cycle entry's items in study order, verbatim (e.g. <c>N149</c>, <c>Principle 1-3</c>).</param>
/// <param name="EditionNote">A note for the days on which printed editions differ; otherwise <see langword="null"/>.</param>
public sealed record StudyDay(DateOnly Date, int CycleDay, IReadOnlyList<string> Codes, string? EditionNote);
