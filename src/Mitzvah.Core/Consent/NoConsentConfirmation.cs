using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Consent;

/// <summary>No confirmation message: owners confirm a web opt-in by writing JOIN MITZVAH themselves.</summary>
public sealed class NoConsentConfirmation : IConsentConfirmationSender
{
    /// <inheritdoc />
    public bool IsEnabled => false;

    /// <inheritdoc />
    public Task<SendOutcome> SendConfirmationAsync(string phone, CancellationToken cancellationToken = default) =>
        Task.FromResult(SendOutcome.Failed(SendFailureKind.Rejected, "not-configured", "No confirmation message is configured."));
}
