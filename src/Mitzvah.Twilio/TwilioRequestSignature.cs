using Mitzvah.Core.Endpoints;
using Twilio.Security;

namespace Mitzvah.Twilio;

/// <summary>
/// The one check of <c>X-Twilio-Signature</c> for every Twilio webhook: Twilio's own <see cref="RequestValidator"/>
/// over <see cref="EndpointRequest.PublicUrl"/> (query string included) and the posted fields.
/// </summary>
internal sealed class TwilioRequestSignature
{
    public const string Header = "X-Twilio-Signature";

    private readonly RequestValidator? _validator;

    public TwilioRequestSignature(string? authToken) =>
        _validator = string.IsNullOrEmpty(authToken) ? null : new RequestValidator(authToken);

    public bool CanVerify => _validator is not null;

    /// <summary>Why the request is not Twilio's, or <see langword="null"/> when its signature holds.</summary>
    public string? Refusal(EndpointRequest request, IReadOnlyDictionary<string, string> form)
    {
        if (_validator is null)
        {
            return $"Webhook signatures cannot be checked ({TwilioSettingNames.TwilioAuthToken} is not set), so webhooks are refused.";
        }

        var signature = request.Header(Header);
        return string.IsNullOrEmpty(signature) || !_validator.Validate(request.PublicUrl.OriginalString, form.ToDictionary(), signature)
            ? $"The webhook signature is missing or invalid (computed over {request.PublicUrl.GetLeftPart(UriPartial.Path)})."
            : null;
    }
}
