namespace Mitzvah.Core.Consent;

/// <summary>Checks that an inbound webhook was signed by the messaging provider.</summary>
public interface IWebhookSignatureValidator
{
    /// <summary>Whether a signing secret is configured; without one every webhook is refused.</summary>
    bool IsConfigured { get; }

    /// <summary>Validates <paramref name="signature"/> over the public URL the provider called and the posted form fields.</summary>
    bool IsValid(Uri publicUrl, IReadOnlyDictionary<string, string> form, string? signature);
}
