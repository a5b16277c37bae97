namespace Mitzvah.Testing.StandIns;

/// <summary>A message <see cref="LoopbackTwilio"/> accepted, with the form fields as Twilio received them.</summary>
/// <param name="Sid">"SM" and 32 hex digits.</param>
/// <param name="To">The To field as sent, e.g. <c>whatsapp:+15550000101</c>.</param>
/// <param name="From">The From field, if sent.</param>
/// <param name="Body">The Body field, if sent (freeform mode).</param>
/// <param name="ContentSid">The ContentSid field (a template), if sent.</param>
/// <param name="ContentVariables">The ContentVariables field (JSON), if sent.</param>
/// <param name="MessagingServiceSid">The MessagingServiceSid field, if sent.</param>
/// <param name="StatusCallback">The StatusCallback field, if sent.</param>
/// <param name="DateCreated">When it was accepted, to the second (as Twilio reports it).</param>
/// <param name="RenderedBody">The text Twilio reports as the message's body: Body, or the rendered template.</param>
public sealed record LoopbackMessage(
    string Sid,
    string To,
    string? From,
    string? Body,
    string? ContentSid,
    string? ContentVariables,
    string? MessagingServiceSid,
    string? StatusCallback,
    DateTimeOffset DateCreated,
    string? RenderedBody)
{
    /// <summary>The recipient without the channel prefix, e.g. <c>+15550000101</c>.</summary>
    public string Phone => LoopbackTwilio.WithoutChannel(To);
}
