namespace Mitzvah.Core.Messages;

/// <summary>The message's content as numbered WhatsApp template variables (Twilio Content API).</summary>
/// <remarks>
/// Each value is non-empty, at most <see cref="MaxLength"/> characters, and has no newline, tab or run of more than
/// four spaces, as WhatsApp templates require (Twilio errors 21656 and 21658).
/// </remarks>
/// <param name="DateLine">Variable 1: weekday, civil date and Hebrew date.</param>
/// <param name="Readings">Variable 2: the covered days and their items on one line.</param>
/// <param name="Link">Variable 3: where to read the day's study.</param>
public sealed record TemplateVariables(string DateLine, string Readings, string Link)
{
    /// <summary>The longest value a template variable may have.</summary>
    public const int MaxLength = 1024;

    /// <summary>The variables keyed "1", "2", "3", as Twilio's <c>ContentVariables</c> expects.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() =>
        new Dictionary<string, string>(StringComparer.Ordinal) { ["1"] = DateLine, ["2"] = Readings, ["3"] = Link };
}
