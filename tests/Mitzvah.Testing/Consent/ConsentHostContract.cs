using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Mail;

namespace Mitzvah.Testing.Consent;

/// <summary>
/// Runs the whole consent scenario table through one host. Derive once per host with an empty body besides
/// <see cref="StartHostAsync"/>.
/// </summary>
public abstract class ConsentHostContract
{
    private static readonly DateTimeOffset SetupTime = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Starts a host with <paramref name="settings"/> and an empty store.</summary>
    protected abstract Task<IConsentHost> StartHostAsync(HostSettings settings);

    [Fact]
    public void The_table_has_unique_names() =>
        Assert.Equal(ConsentScenarios.All.Count, ConsentScenarios.All.Select(scenario => scenario.Name).Distinct().Count());

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Scenario(string name)
    {
        var scenario = ConsentScenarios.Get(name);
        var settings = scenario.Settings.Mail ? scenario.Settings with { Smtp = await ScenarioMail.SmtpAsync() } : scenario.Settings;
        await using var host = await StartHostAsync(settings);
        var subject = scenario.Subject;
        if (scenario.Initial is { } initial)
        {
            // A pending request lapses after 72 hours of the host's (real) clock, so it is made just now.
            var at = initial == ConsentStatus.Pending ? DateTimeOffset.UtcNow.AddMinutes(-1) : SetupTime;
            await host.Store.RecordConsentAsync(new ConsentChange(
                subject, initial, ConsentSource.Admin, new ConsentEvidence(Actor: "scenario setup"), at));
        }

        foreach (var earlier in scenario.Before ?? [])
        {
            await host.SendAsync(earlier, new Dictionary<string, string>());
        }

        var before = await host.Store.GetHistoryAsync(subject);

        var response = await host.SendAsync(scenario.Request with { Path = WithTokens(scenario.Request.Path, subject, host.Now) }, SignatureHeaders(scenario, host.PublicUrl));

        Assert.True(scenario.Status == response.StatusCode, $"{name}: expected {scenario.Status}, got {response.StatusCode}: {response.Body}");
        Assert.Contains(scenario.BodyFragment, response.Body, StringComparison.Ordinal);
        if (scenario.RetryAfter)
        {
            Assert.True(long.TryParse(response.RetryAfter, out var seconds) && seconds is > 0 and <= 3600, $"{name}: Retry-After was '{response.RetryAfter}'");
        }

        if (scenario.Request.Method != "HEAD")
        {
            Assert.StartsWith(scenario.ContentType, response.ContentType ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }

        var after = await host.Store.GetHistoryAsync(subject);
        var subscriber = await host.Store.GetAsync(subject);
        switch (scenario.Effect)
        {
            case StoreEffect.None:
                Assert.Equal(before, after);
                break;
            case StoreEffect.OptedIn or StoreEffect.OptedOut or StoreEffect.Pending:
                var expected = scenario.Effect switch
                {
                    StoreEffect.OptedIn => ConsentStatus.OptedIn,
                    StoreEffect.OptedOut => ConsentStatus.OptedOut,
                    _ => ConsentStatus.Pending,
                };
                Assert.Equal(before.Count + 1, after.Count);
                Assert.NotNull(subscriber);
                Assert.Equal(expected, subscriber.Status);
                Assert.Equal(expected, after[^1].Status);
                AssertEvidence(scenario, after[^1]);
                break;
            case StoreEffect.PreferenceChanged:
                Assert.Equal(before.Count + 1, after.Count);
                Assert.True(after[^1].IsPreferenceChange, $"{name}: the last entry is not a preference change");
                Assert.Equal(scenario.Initial, after[^1].Status);
                Assert.Equal(scenario.Initial, subscriber?.Status);
                AssertEvidence(scenario, after[^1]);
                break;
        }
    }

    public static TheoryData<string> ScenarioNames() => ConsentScenarios.Names();

    private static void AssertEvidence(ConsentScenario scenario, ConsentHistoryEntry entry)
    {
        if (AddressKey.EmailOf(scenario.Subject) is { } address)
        {
            // Sign-ups, confirmations and unsubscribes of an address name it (and the client, where the host sees it).
            Assert.Equal(ConsentSource.WebForm, entry.Source);
            Assert.Equal(address, entry.Evidence.Email);
        }
        else if (scenario.Request.Signing != Signing.None)
        {
            var form = scenario.Request.Form!.ToDictionary(pair => pair.Key, pair => pair.Value);
            Assert.Equal(ConsentSource.WhatsAppKeyword, entry.Source);
            Assert.Equal(form["Body"], entry.Evidence.Keyword);
            Assert.Equal(form["MessageSid"], entry.Evidence.MessageId);
            Assert.Equal(form["To"], entry.Evidence.To);
        }
        else
        {
            Assert.Equal(ConsentSource.WebForm, entry.Source);
            Assert.False(string.IsNullOrEmpty(entry.Evidence.ConsentTextVersion));
        }
    }

    /// <summary>The path with its token placeholders signed for <paramref name="subject"/>'s address, as the host's mails would carry them.</summary>
    private static string WithTokens(string path, string subject, DateTimeOffset now)
    {
        if (!path.Contains('{', StringComparison.Ordinal))
        {
            return path;
        }

        var address = AddressKey.EmailOf(subject) ?? throw new InvalidOperationException("Link scenarios act on an email key.");
        var signer = new EmailLinkSigner(Options.Create(new MailOptions { LinkSecret = HostSettings.TestMailLinkSecret }));
        var confirm = signer.Sign(EmailLinkPurpose.Confirm, subject, address, now);
        return path
            .Replace("{confirm}", confirm, StringComparison.Ordinal)
            .Replace("{unsubscribe}", signer.Sign(EmailLinkPurpose.Unsubscribe, subject, address, now), StringComparison.Ordinal)
            .Replace("{expired}", signer.Sign(EmailLinkPurpose.Confirm, subject, address, now.AddDays(-7).AddMinutes(-5)), StringComparison.Ordinal)
            .Replace("{changed}", confirm[..^2] + (confirm[^2] == 'A' ? 'B' : 'A') + confirm[^1], StringComparison.Ordinal);
    }

    private static Dictionary<string, string> SignatureHeaders(ConsentScenario scenario, Uri publicUrl)
    {
        var request = scenario.Request;
        if (request.Signing == Signing.None || request.Form is null)
        {
            return new Dictionary<string, string>();
        }

        var token = request.Signing == Signing.Forged ? "forged-token" : scenario.Settings.AuthToken ?? "no-token-configured";
        var signedForm = request.Signing == Signing.Tampered
            ? request.Form.Select(pair => pair.Key == "Body" ? new KeyValuePair<string, string>("Body", "HELP") : pair).ToList()
            : request.Form;
        return new Dictionary<string, string> { ["X-Twilio-Signature"] = TwilioSignature.Compute(token, publicUrl, signedForm) };
    }
}
