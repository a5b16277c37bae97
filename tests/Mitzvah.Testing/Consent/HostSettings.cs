namespace Mitzvah.Testing.Consent;

/// <summary>The configuration a scenario needs from its host.</summary>
/// <param name="AuthToken">TWILIO_AUTH_TOKEN, or null for a host without one.</param>
/// <param name="WebhookToken">WEBHOOK_TOKEN, or null.</param>
/// <param name="Mail">Whether the host sends mail (SMTP to maildev, a link secret); hosts add their public URL for the links.</param>
public sealed record HostSettings(string? AuthToken, string? WebhookToken, bool Mail = false)
{
    public const string TestAuthToken = "test-auth-token-0123456789abcdef";
    public const string TestWebToken = "web-form-token-9876";
    public const string TestMailLinkSecret = "scenario-mail-link-secret-0123456789abcdef";

    public static HostSettings Default { get; } = new(TestAuthToken, null);

    public static HostSettings WithWebToken { get; } = new(TestAuthToken, TestWebToken);

    public static HostSettings WithoutAuthToken { get; } = new(null, null);

    public static HostSettings WithMail { get; } = new(TestAuthToken, null, Mail: true);

    /// <summary>With <see cref="Mail"/>: the SMTP settings of the maildev mails go to (set by the contract before the host starts).</summary>
    public IReadOnlyDictionary<string, string?>? Smtp { get; init; }

    /// <summary>The settings as the flat environment variables every host reads.</summary>
    public IReadOnlyDictionary<string, string?> ToEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["TWILIO_AUTH_TOKEN"] = AuthToken,
            ["WEBHOOK_TOKEN"] = WebhookToken,
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
        };
        if (Mail)
        {
            foreach (var (name, value) in Smtp ?? throw new InvalidOperationException("The contract sets the SMTP settings of a mail scenario."))
            {
                environment[name] = value;
            }

            environment["MAIL_LINK_SECRET"] = TestMailLinkSecret;
        }

        return environment;
    }
}
