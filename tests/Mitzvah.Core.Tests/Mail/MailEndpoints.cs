using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Mail;

/// <summary>Core's composition (<see cref="CoreEndpoints"/>) with mail set up: a link secret, a public address and an in-memory sender.</summary>
internal sealed class MailEndpoints : IDisposable
{
    public const string Secret = "mail-link-secret-0123456789abcdef-0123";
    public const string Dina = "dina@example.org";
    public const string ConsentUrl = "https://mitzvah.test/api/consent";

    public MailEndpoints(bool withSender = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            [SettingNames.MailLinkSecret] = Secret,
            [SettingNames.PublicConsentUrl] = ConsentUrl,
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            all[name] = value;
        }

        Core = new CoreEndpoints(all, services =>
        {
            if (withSender)
            {
                services.AddSingleton<IMailSender>(Mail);
            }
        });
    }

    public CoreEndpoints Core { get; }

    public InMemoryMailSender Mail { get; } = new();

    public InMemorySubscriberStore Store => Core.Store;

    public EmailSubscriptions Subscriptions => Core.Get<EmailSubscriptions>();

    public static ConsentEvidence Browser => new(IpAddress: "203.0.113.7", UserAgent: "TestBrowser/1.0");

    /// <summary>Signs up <paramref name="address"/> alone (pending) and returns the token of the confirmation link it was mailed.</summary>
    public async Task<string> SignUpAsync(string address = Dina)
    {
        var (outcome, _) = await Subscriptions.SubscribeAsync(new EmailSubscribeRequest(address, null, null, null, ConsentSource.WebForm, Browser));
        Assert.Equal(EmailSubscribeOutcome.ConfirmationSent, outcome);
        return InMemoryMailSender.TokenOf(Mail.Sends[^1], RoutePaths.EmailConfirm);
    }

    /// <summary>Signs up and confirms <paramref name="address"/> alone: an opted-in email-only subscriber.</summary>
    public async Task<Subscriber> ConfirmedAsync(string address = Dina)
    {
        var result = await Subscriptions.ConfirmAsync(await SignUpAsync(address), Browser);
        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        return (await Store.GetAsync(AddressKey.ForEmail(address)))!;
    }

    /// <summary>Opts <paramref name="phone"/> in on WhatsApp now.</summary>
    public async Task JoinAsync(string phone)
    {
        await Store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(Core.Time.GetUtcNow()).Build());
    }

    /// <summary>Links <paramref name="address"/> to the subscribed <paramref name="phone"/> with <paramref name="channel"/> and confirms it.</summary>
    public async Task<Subscriber> LinkedAsync(string phone, DeliveryChannel channel, string address = Dina)
    {
        var (outcome, _) = await Subscriptions.SubscribeAsync(new EmailSubscribeRequest(address, phone, channel, null, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "EMAIL " + address)));
        Assert.Equal(EmailSubscribeOutcome.ConfirmationSent, outcome);
        var confirmed = await Subscriptions.ConfirmAsync(InMemoryMailSender.TokenOf(Mail.Sends[^1], RoutePaths.EmailConfirm), Browser);
        Assert.Equal(EmailLinkOutcome.Done, confirmed.Outcome);
        return (await Store.GetAsync(phone))!;
    }

    /// <summary>The token of an unsubscribe link for <paramref name="address"/> of the subscriber keyed <paramref name="key"/>, as a daily mail carries it.</summary>
    public string UnsubscribeToken(string key, string address = Dina) =>
        InMemoryMailSender.TokenOf(Subscriptions.LinksFor(key, address).Links.Unsubscribe);

    public void Dispose() => Core.Dispose();
}
