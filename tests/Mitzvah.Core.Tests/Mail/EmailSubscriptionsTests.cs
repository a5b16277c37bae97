using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Mail;

/// <summary>Email sign-up, double opt-in and unsubscribe, on the in-memory store and mail sender.</summary>
public sealed class EmailSubscriptionsTests : IDisposable
{
    private const string Dina = MailEndpoints.Dina;
    private static readonly string DinaKey = AddressKey.ForEmail(Dina);
    private readonly MailEndpoints _mail = new();

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task An_email_only_sign_up_is_a_pending_subscriber_keyed_by_its_address_with_one_confirmation_mail()
    {
        var (outcome, subscriber) = await _mail.Subscriptions.SubscribeAsync(
            new EmailSubscribeRequest("  Dina@Example.org ", null, null, null, ConsentSource.WebForm, MailEndpoints.Browser));

        Assert.Equal(EmailSubscribeOutcome.ConfirmationSent, outcome);
        Assert.Equal(DinaKey, subscriber?.Phone);
        var stored = await _mail.Store.GetAsync(DinaKey);
        Assert.Equal(ConsentStatus.Pending, stored?.Status);
        Assert.Equal(Dina, stored?.Addresses.Email);
        Assert.Null(stored?.Addresses.WhatsApp);
        Assert.Equal(ConsentNames.EmailChannel, stored?.Channel);
        Assert.False(stored?.IsEmailConfirmed);
        var mail = Assert.Single(_mail.Mail.Sends);
        Assert.Equal(Dina, mail.To);
        var link = InMemoryMailSender.LinkOf(mail, RoutePaths.EmailConfirm);
        Assert.Equal("https://mitzvah.test" + RoutePaths.EmailConfirm, link?.GetLeftPart(UriPartial.Path));
        Assert.Contains(link!.AbsoluteUri, mail.Html, StringComparison.Ordinal);
        Assert.Equal(Dina, _mail.Subscriptions.CheckConfirm(InMemoryMailSender.TokenOf(mail, RoutePaths.EmailConfirm)).Address);
    }

    [Fact]
    public async Task Confirming_opts_the_address_in_with_its_address_ip_and_user_agent_as_evidence()
    {
        var token = await _mail.SignUpAsync();
        _mail.Core.Time.Advance(TimeSpan.FromHours(2));

        var result = await _mail.Subscriptions.ConfirmAsync(token, new ConsentEvidence(IpAddress: "198.51.100.4", UserAgent: "Mail/2.0"));

        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        Assert.Equal(Dina, result.Address);
        var subscriber = await _mail.Store.GetAsync(DinaKey);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        Assert.Equal(Dina, subscriber?.DeliverableEmail);
        Assert.Equal(DeliveryChannel.Email, subscriber?.EffectiveChannel);
        var history = await _mail.Store.GetHistoryAsync(DinaKey);
        Assert.Equal([ConsentStatus.Pending, ConsentStatus.OptedIn], history.Select(entry => entry.Status));
        var confirmed = history[^1];
        Assert.Equal(Dina, confirmed.Evidence.Email);
        Assert.Equal("198.51.100.4", confirmed.Evidence.IpAddress);
        Assert.Equal("Mail/2.0", confirmed.Evidence.UserAgent);
        Assert.Equal(_mail.Core.Time.GetUtcNow(), confirmed.RecordedAt);
    }

    [Fact]
    public async Task Confirming_twice_says_already_done_and_writes_nothing_more()
    {
        var token = await _mail.SignUpAsync();
        await _mail.Subscriptions.ConfirmAsync(token, MailEndpoints.Browser);
        var before = await _mail.Store.GetAsync(DinaKey);

        var again = await _mail.Subscriptions.ConfirmAsync(token, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.AlreadyDone, again.Outcome);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
        Assert.Equal(2, (await _mail.Store.GetHistoryAsync(DinaKey)).Count);
    }

    [Fact]
    public async Task A_confirmation_link_opened_after_unsubscribing_is_refused()
    {
        var token = await _mail.SignUpAsync();
        var left = await _mail.Subscriptions.UnsubscribeAsync(_mail.UnsubscribeToken(DinaKey), MailEndpoints.Browser);
        Assert.Equal(EmailLinkOutcome.Done, left.Outcome);

        var result = await _mail.Subscriptions.ConfirmAsync(token, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Invalid, result.Outcome);
        Assert.Contains("unsubscribed", result.Message, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedOut, (await _mail.Store.GetAsync(DinaKey))?.Status);
        Assert.Equal([ConsentStatus.Pending, ConsentStatus.OptedOut], (await _mail.Store.GetHistoryAsync(DinaKey)).Select(entry => entry.Status));
    }

    [Fact]
    public async Task An_expired_confirmation_link_says_so_and_writes_nothing()
    {
        var token = await _mail.SignUpAsync();
        var before = await _mail.Store.GetAsync(DinaKey);
        _mail.Core.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var result = await _mail.Subscriptions.ConfirmAsync(token, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Expired, result.Outcome);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
    }

    [Fact]
    public async Task An_address_linked_to_a_subscribed_number_is_confirmed_as_an_email_change_and_the_status_stays()
    {
        await _mail.JoinAsync(TestPhones.Alice);

        var (outcome, linked) = await _mail.Subscriptions.SubscribeAsync(
            new EmailSubscribeRequest(Dina, TestPhones.Alice, DeliveryChannel.Both, null, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "EMAIL " + Dina)));

        Assert.Equal(EmailSubscribeOutcome.ConfirmationSent, outcome);
        Assert.Equal(Dina, linked?.Addresses.Email);
        Assert.Null(linked?.EmailConfirmedAt);
        Assert.Null(linked?.DeliverableEmail);
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        var token = InMemoryMailSender.TokenOf(Assert.Single(_mail.Mail.Sends), RoutePaths.EmailConfirm);
        _mail.Core.Time.Advance(TimeSpan.FromMinutes(3));

        var result = await _mail.Subscriptions.ConfirmAsync(token, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        var subscriber = await _mail.Store.GetAsync(TestPhones.Alice);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        Assert.Equal(_mail.Core.Time.GetUtcNow(), subscriber?.EmailConfirmedAt);
        Assert.Equal(Dina, subscriber?.DeliverableEmail);
        Assert.Equal(DeliveryChannel.Both, subscriber?.EffectiveChannel);
        var entry = (await _mail.Store.GetHistoryAsync(TestPhones.Alice))[^1];
        Assert.True(entry.IsEmailChange);
        Assert.Equal(ConsentNames.EmailConfirmed, entry.Evidence.EmailState);
        Assert.Equal("203.0.113.7", entry.Evidence.IpAddress);
    }

    [Fact]
    public async Task The_confirmation_link_of_an_address_since_replaced_is_refused()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.Subscriptions.SubscribeAsync(new EmailSubscribeRequest(Dina, TestPhones.Alice, DeliveryChannel.Both, null, ConsentSource.WebForm, MailEndpoints.Browser));
        var first = InMemoryMailSender.TokenOf(_mail.Mail.Sends[^1], RoutePaths.EmailConfirm);
        await _mail.Subscriptions.SubscribeAsync(new EmailSubscribeRequest("ezra@example.org", TestPhones.Alice, DeliveryChannel.Both, null, ConsentSource.WebForm, MailEndpoints.Browser));
        var before = await _mail.Store.GetAsync(TestPhones.Alice);

        var result = await _mail.Subscriptions.ConfirmAsync(first, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Invalid, result.Outcome);
        Assert.Equal(before, await _mail.Store.GetAsync(TestPhones.Alice));
        Assert.Equal("ezra@example.org", before?.Addresses.Email);
        Assert.Null(before?.EmailConfirmedAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Linking_to_an_unknown_or_opted_out_number_writes_nothing_and_mails_nothing(bool optedOut)
    {
        if (optedOut)
        {
            await _mail.Store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).Build());
        }

        var before = await _mail.Store.GetAsync(TestPhones.Alice);

        var (outcome, _) = await _mail.Subscriptions.SubscribeAsync(
            new EmailSubscribeRequest(Dina, TestPhones.Alice, DeliveryChannel.Both, null, ConsentSource.WebForm, MailEndpoints.Browser));

        Assert.Equal(EmailSubscribeOutcome.UnknownPhone, outcome);
        Assert.Equal(before, await _mail.Store.GetAsync(TestPhones.Alice));
        Assert.Null(await _mail.Store.GetAsync(DinaKey));
        Assert.Empty(_mail.Mail.Sends);
    }

    [Fact]
    public async Task Unsubscribing_an_email_only_subscriber_opts_it_out_with_the_links_evidence()
    {
        await _mail.ConfirmedAsync();

        var result = await _mail.Subscriptions.UnsubscribeAsync(_mail.UnsubscribeToken(DinaKey), MailEndpoints.Browser with { Note = "one-click unsubscribe" });

        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        var subscriber = await _mail.Store.GetAsync(DinaKey);
        Assert.Equal(ConsentStatus.OptedOut, subscriber?.Status);
        Assert.Null(subscriber?.DeliverableEmail);
        var entry = (await _mail.Store.GetHistoryAsync(DinaKey))[^1];
        Assert.Equal((Dina, "one-click unsubscribe", "203.0.113.7"), (entry.Evidence.Email, entry.Evidence.Note, entry.Evidence.IpAddress));
    }

    [Fact]
    public async Task Unsubscribing_the_mail_of_a_number_on_both_channels_removes_the_address_and_whatsapp_goes_on()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Both);

        var result = await _mail.Subscriptions.UnsubscribeAsync(_mail.UnsubscribeToken(TestPhones.Alice), MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        var subscriber = await _mail.Store.GetAsync(TestPhones.Alice);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        Assert.Null(subscriber?.Addresses.Email);
        Assert.Null(subscriber?.EmailConfirmedAt);
        Assert.Null(subscriber?.Preferences.Channel);
        Assert.Equal(DeliveryChannel.WhatsApp, subscriber?.EffectiveChannel);
        Assert.Equal(ConsentNames.EmailRemoved, (await _mail.Store.GetHistoryAsync(TestPhones.Alice))[^1].Evidence.EmailState);
    }

    [Fact]
    public async Task Unsubscribing_the_mail_of_a_number_that_chose_email_alone_opts_it_out()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Email);

        var result = await _mail.Subscriptions.UnsubscribeAsync(_mail.UnsubscribeToken(TestPhones.Alice), MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Done, result.Outcome);
        Assert.Equal(ConsentStatus.OptedOut, (await _mail.Store.GetAsync(TestPhones.Alice))?.Status);
    }

    [Fact]
    public async Task Unsubscribing_twice_is_harmless()
    {
        await _mail.ConfirmedAsync();
        var token = _mail.UnsubscribeToken(DinaKey);
        await _mail.Subscriptions.UnsubscribeAsync(token, MailEndpoints.Browser);
        var after = await _mail.Store.GetAsync(DinaKey);

        var again = await _mail.Subscriptions.UnsubscribeAsync(token, MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.AlreadyDone, again.Outcome);
        Assert.Equal(after, await _mail.Store.GetAsync(DinaKey));
    }

    [Fact]
    public async Task A_tampered_unsubscribe_link_changes_nothing()
    {
        await _mail.ConfirmedAsync();
        var before = await _mail.Store.GetAsync(DinaKey);
        var token = _mail.UnsubscribeToken(DinaKey);

        var result = await _mail.Subscriptions.UnsubscribeAsync(token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1], MailEndpoints.Browser);

        Assert.Equal(EmailLinkOutcome.Invalid, result.Outcome);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
    }

    [Fact]
    public async Task A_confirmation_mail_the_sender_refuses_leaves_the_address_pending_and_a_retry_mails_again()
    {
        _mail.Mail.FailNext(1, MailFailureKind.Transient, 421);
        var request = new EmailSubscribeRequest(Dina, null, null, null, ConsentSource.WebForm, MailEndpoints.Browser);

        var (failed, _) = await _mail.Subscriptions.SubscribeAsync(request);

        Assert.Equal(EmailSubscribeOutcome.ConfirmationFailed, failed);
        Assert.Equal(ConsentStatus.Pending, (await _mail.Store.GetAsync(DinaKey))?.Status);

        var (retried, _) = await _mail.Subscriptions.SubscribeAsync(request);

        Assert.Equal(EmailSubscribeOutcome.ConfirmationSent, retried);
        Assert.Equal(2, _mail.Mail.Sends.Count);
        Assert.Single(_mail.Mail.Accepted);
        Assert.Single(await _mail.Store.GetHistoryAsync(DinaKey));
        var confirmed = await _mail.Subscriptions.ConfirmAsync(InMemoryMailSender.TokenOf(_mail.Mail.Accepted[0], RoutePaths.EmailConfirm), MailEndpoints.Browser);
        Assert.Equal(EmailLinkOutcome.Done, confirmed.Outcome);
    }

    [Fact]
    public async Task Signing_up_a_confirmed_address_again_sends_nothing()
    {
        await _mail.ConfirmedAsync();

        var (outcome, _) = await _mail.Subscriptions.SubscribeAsync(new EmailSubscribeRequest(Dina, null, null, null, ConsentSource.WebForm, MailEndpoints.Browser));

        Assert.Equal(EmailSubscribeOutcome.AlreadyConfirmed, outcome);
        Assert.Single(_mail.Mail.Sends);
    }

    [Fact]
    public async Task An_invalid_address_is_an_argument_exception_and_writes_nothing()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _mail.Subscriptions.SubscribeAsync(new EmailSubscribeRequest("dina@localhost", null, null, null, ConsentSource.WebForm, MailEndpoints.Browser)));

        Assert.Contains("domain", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _mail.Store.CountAsync(ConsentStatus.Pending));
        Assert.Empty(_mail.Mail.Sends);
    }

    [Fact]
    public void The_headers_carry_the_https_one_click_link_and_the_mailto_of_the_sender()
    {
        var (links, headers) = _mail.Subscriptions.LinksFor(DinaKey, Dina);

        Assert.Equal("https", links.Unsubscribe.Scheme);
        Assert.Equal(RoutePaths.Unsubscribe, links.Unsubscribe.AbsolutePath);
        Assert.Equal($"<{links.Unsubscribe.AbsoluteUri}>, <mailto:mitzvah@example.org?subject=unsubscribe>", headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
        Assert.Equal(Dina, _mail.Subscriptions.CheckUnsubscribe(InMemoryMailSender.TokenOf(links.Unsubscribe)).Address);
    }

    [Fact]
    public void A_loopback_site_keeps_http_and_the_mailto_names_the_senders_address()
    {
        using var local = new MailEndpoints(settings: new Dictionary<string, string?>
        {
            [SettingNames.PublicConsentUrl] = "http://127.0.0.1:8080/api/consent",
        });

        var (links, headers) = local.Subscriptions.LinksFor(DinaKey, Dina);

        Assert.StartsWith("http://127.0.0.1:8080/api/unsubscribe?token=", links.Unsubscribe.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal($"<{links.Unsubscribe.AbsoluteUri}>, <mailto:{local.Mail.Sender.ToLowerInvariant()}?subject=unsubscribe>", headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", headers["List-Unsubscribe-Post"]);
    }

    [Fact]
    public async Task Without_a_mail_sender_sign_ups_are_refused()
    {
        using var off = new MailEndpoints(withSender: false);

        Assert.False(off.Subscriptions.IsEnabled);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            off.Subscriptions.SubscribeAsync(new EmailSubscribeRequest(Dina, null, null, null, ConsentSource.WebForm, MailEndpoints.Browser)));
        Assert.Null(await off.Store.GetAsync(DinaKey));
    }
}
