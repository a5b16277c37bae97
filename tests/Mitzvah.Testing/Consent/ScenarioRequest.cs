namespace Mitzvah.Testing.Consent;

/// <summary>How a scenario's webhook is signed.</summary>
public enum Signing
{
    /// <summary>No <c>X-Twilio-Signature</c> header.</summary>
    None,

    /// <summary>Signed with the host's auth token over its public URL and the form.</summary>
    Valid,

    /// <summary>Signed with a different token.</summary>
    Forged,

    /// <summary>Signed validly, then a field is changed in transit.</summary>
    Tampered,
}

/// <summary>A request in host-neutral terms; each host harness turns it into its own transport.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="ContentType">Content-Type header, or null for none.</param>
/// <param name="Body">Raw body text.</param>
/// <param name="Form">For form posts, the fields (the harness signs them); otherwise null.</param>
/// <param name="Signing">Whether and how the harness signs the form.</param>
/// <param name="Headers">Extra headers.</param>
/// <param name="Path">The path and query (default the consent endpoint).</param>
/// <remarks>
/// <see cref="Path"/> is the path and query; in it <c>{confirm}</c>, <c>{unsubscribe}</c>, <c>{expired}</c> and
/// <c>{changed}</c> stand for link tokens of the scenario's subject, signed when the scenario runs
/// (<see cref="ConsentHostContract"/>).
/// </remarks>
public sealed record ScenarioRequest(
    string Method,
    string? ContentType = null,
    string Body = "",
    IReadOnlyList<KeyValuePair<string, string>>? Form = null,
    Signing Signing = Signing.None,
    IReadOnlyDictionary<string, string>? Headers = null,
    string Path = "/api/consent")
{
    public const string FormType = "application/x-www-form-urlencoded";
    public const string JsonType = "application/json";

    public static ScenarioRequest Webhook(string body, Signing signing = Signing.Valid, string from = "whatsapp:" + ConsentScenarios.Phone) =>
        FormPost(
            [
                new("MessageSid", "SM" + Guid.NewGuid().ToString("N")),
                new("AccountSid", "AC00000000000000000000000000000000"),
                new("From", from),
                new("To", "whatsapp:+14155550100"),
                new("Body", body),
                new("NumMedia", "0"),
            ],
            signing);

    public static ScenarioRequest FormPost(IReadOnlyList<KeyValuePair<string, string>> form, Signing signing = Signing.None) =>
        new("POST", FormType, TwilioSignature.FormBody(form), form, signing);

    public static ScenarioRequest Json(string json, IReadOnlyDictionary<string, string>? headers = null) =>
        new("POST", JsonType, json, Headers: headers);

    /// <summary>A request to a link of a mail: <paramref name="path"/> with its token placeholder.</summary>
    public static ScenarioRequest Link(string method, string path, string? body = null) =>
        new(method, body is null ? null : FormType, body ?? string.Empty, Path: path);
}
