using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Twilio.Security;

namespace Mitzvah.Twilio;

/// <summary>Checks <c>X-Twilio-Signature</c> with Twilio's own <see cref="RequestValidator"/>.</summary>
public sealed class TwilioSignatureValidator : IWebhookSignatureValidator
{
    private readonly RequestValidator? _validator;

    /// <summary>Creates the validator; without an auth token it refuses everything.</summary>
    public TwilioSignatureValidator(IOptions<TwilioOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var token = options.Value.AuthToken;
        _validator = string.IsNullOrEmpty(token) ? null : new RequestValidator(token);
    }

    /// <inheritdoc />
    public bool IsConfigured => _validator is not null;

    /// <inheritdoc />
    public bool IsValid(Uri publicUrl, IReadOnlyDictionary<string, string> form, string? signature)
    {
        ArgumentNullException.ThrowIfNull(publicUrl);
        ArgumentNullException.ThrowIfNull(form);
        if (_validator is null || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        return _validator.Validate(publicUrl.OriginalString, form.ToDictionary(), signature);
    }
}
