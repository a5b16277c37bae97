namespace Mitzvah.Core.Mail;

/// <summary>The outcome of a link and the sentence a page shows for it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">One or two sentences for the reader.</param>
/// <param name="Address">The address concerned, when the link was valid.</param>
public sealed record EmailLinkResult(EmailLinkOutcome Outcome, string Message, string? Address = null);
