namespace Mitzvah.Testing.Consent;

/// <summary>The configuration a scenario needs from its host.</summary>
/// <param name="AuthToken">TWILIO_AUTH_TOKEN, or null for a host without one.</param>
/// <param name="WebhookToken">WEBHOOK_TOKEN, or null.</param>
public sealed record HostSettings(string? AuthToken, string? WebhookToken)
{
    public const string TestAuthToken = "test-auth-token-0123456789abcdef";
    public const string TestWebToken = "web-form-token-9876";

    public static HostSettings Default { get; } = new(TestAuthToken, null);

    public static HostSettings WithWebToken { get; } = new(TestAuthToken, TestWebToken);

    public static HostSettings WithoutAuthToken { get; } = new(null, null);

    /// <summary>The settings as the flat environment variables every host reads.</summary>
    public IReadOnlyDictionary<string, string?> ToEnvironment() => new Dictionary<string, string?>
    {
        ["TWILIO_AUTH_TOKEN"] = AuthToken,
        ["WEBHOOK_TOKEN"] = WebhookToken,
        ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
    };
}
