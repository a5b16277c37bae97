namespace Mitzvah.Core.Messages;

/// <summary>A day's content laid out for WhatsApp, as freeform text and as template variables.</summary>
public sealed record WhatsAppMessage
{
    /// <summary>The text, at most <see cref="WhatsAppRenderer.MaxBodyLength"/> characters, in WhatsApp's formatting.</summary>
    public required string Body { get; init; }

    /// <summary>The level of detail that fit in <see cref="Body"/>.</summary>
    public required WhatsAppForm Form { get; init; }

    /// <summary>The same content as the variables of the daily template.</summary>
    public required WhatsAppTemplateVariables Variables { get; init; }
}
