namespace Mitzvah.Core.Messages;

/// <summary>The message a subscriber receives on one date.</summary>
/// <param name="Date">The send date.</param>
/// <param name="Body">WhatsApp text, at most <see cref="MaxBodyLength"/> characters.</param>
/// <param name="Form">The level of detail that fit.</param>
/// <param name="Variables">The same content as template variables.</param>
public sealed record DailyMessage(DateOnly Date, string Body, MessageForm Form, TemplateVariables Variables)
{
    /// <summary>Twilio rejects longer bodies.</summary>
    public const int MaxBodyLength = 1600;
}
