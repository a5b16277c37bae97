using Mitzvah.Testing.Consent;

namespace Mitzvah.Testing.StandIns;

/// <summary>One signed form POST as Twilio makes it: to <see cref="Url"/>, with <c>X-Twilio-Signature</c>.</summary>
public sealed record WebhookPost
{
    /// <summary>The header that carries <see cref="Signature"/>.</summary>
    public const string SignatureHeader = "X-Twilio-Signature";

    /// <summary>The content type of <see cref="Body"/>.</summary>
    public const string ContentType = "application/x-www-form-urlencoded";

    /// <summary>The exact URL, query string included, that was signed and is posted to.</summary>
    public required Uri Url { get; init; }

    /// <summary>The form fields, in the order they are encoded.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Form { get; init; }

    /// <summary>The value of <see cref="SignatureHeader"/>.</summary>
    public required string Signature { get; init; }

    /// <summary>The form, URL-encoded, as the request body.</summary>
    public string Body => TwilioSignature.FormBody(Form);

    /// <summary>A post of <paramref name="form"/> to <paramref name="url"/> signed with <paramref name="authToken"/>.</summary>
    public static WebhookPost Sign(string authToken, Uri url, IReadOnlyList<KeyValuePair<string, string>> form) =>
        new() { Url = url, Form = form, Signature = TwilioSignature.Compute(authToken, url, form) };

    /// <summary>The field <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? Field(string name) => Form.FirstOrDefault(pair => pair.Key == name).Value;
}
