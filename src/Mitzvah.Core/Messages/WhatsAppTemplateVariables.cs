namespace Mitzvah.Core.Messages;

/// <summary>The variables of the daily WhatsApp template, in the template's order.</summary>
/// <remarks>
/// Each value is non-empty, at most <see cref="WhatsAppRenderer.MaxVariableLength"/> characters, and has no newline,
/// tab or run of more than four spaces, as WhatsApp requires of template variables.
/// </remarks>
public sealed record WhatsAppTemplateVariables
{
    /// <summary>Variable 1: weekday, civil date and Hebrew date.</summary>
    public required string DateLine { get; init; }

    /// <summary>Variable 2: the covered days and their items, on one line.</summary>
    public required string Readings { get; init; }

    /// <summary>Variable 3: where to read the day's study.</summary>
    public required string Link { get; init; }
}
