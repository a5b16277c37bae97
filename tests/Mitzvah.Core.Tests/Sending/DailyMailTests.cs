using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Tests.Mail;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Sending;

/// <summary>The daily mail in the send tick: each channel once through the ledger, and the fallback after a failed WhatsApp day.</summary>
public sealed class DailyMailTests : IDisposable
{
    /// <summary>Wednesday 25 November 2026: the fixture's clock is at its send moment, 10:00 in Chicago.</summary>
    private static readonly DateOnly Day = new(2026, 11, 25);

    private const string Dina = MailEndpoints.Dina;
    private static readonly string DinaKey = AddressKey.ForEmail(Dina);
    private readonly MailEndpoints _mail = new();

    public void Dispose() => _mail.Dispose();

    private InMemoryMailSender Sender => _mail.Mail;

    private InMemoryMessenger Messenger => _mail.Core.Messenger;

    private InMemoryDeliveryLedger Ledger => _mail.Core.Ledger;

    [Fact]
    public async Task A_confirmed_email_only_subscriber_gets_one_mail_at_its_send_time_with_both_parts_and_the_unsubscribe_headers()
    {
        await _mail.ConfirmedAsync();
        var confirmation = Sender.Sends.Count;

        var tick = await TickAsync();

        Assert.Equal((1L, 0L, 0L, 0L), (tick.MailSent, tick.MailFailed, tick.MailFallbacks, tick.Sent));
        Assert.Empty(Messenger.Sends);
        var mail = Assert.Single(Sender.Sends.Skip(confirmation));
        Assert.Equal(Dina, mail.To);
        Assert.False(string.IsNullOrWhiteSpace(mail.Subject));
        Assert.Contains("<html", mail.Html, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(mail.Text));
        var unsubscribe = InMemoryMailSender.LinkOf(mail, RoutePaths.Unsubscribe);
        Assert.NotNull(unsubscribe);
        Assert.Equal($"<{unsubscribe!.AbsoluteUri}>, <mailto:mitzvah@example.org?subject=unsubscribe>", mail.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Equal(Dina, _mail.Subscriptions.CheckUnsubscribe(InMemoryMailSender.TokenOf(unsubscribe)).Address);
        Assert.StartsWith("mitzvah.20261125.", mail.MessageKey, StringComparison.Ordinal);
        var record = await Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Sent, MessageForm.Email), (record?.State, record?.Form));
        Assert.Equal(Sender.Outcomes[^1].MessageId, record?.MessageId);
        Assert.True((await _mail.Store.GetAsync(DinaKey))?.NextSendAt > _mail.Core.Time.GetUtcNow());
    }

    [Fact]
    public async Task A_later_tick_and_a_rerun_of_the_date_send_no_second_mail()
    {
        await _mail.ConfirmedAsync();
        await TickAsync();
        var sent = Sender.Sends.Count;

        _mail.Core.Time.Advance(SendSchedule.TickInterval);
        var next = await TickAsync();
        var rerun = await _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(Date: Day));

        Assert.Equal(sent, Sender.Sends.Count);
        Assert.Equal((0L, 0L), (next.MailSent, rerun.MailSent));
        Assert.Equal(0, rerun.MailFailed);
    }

    [Fact]
    public async Task An_unconfirmed_address_gets_nothing_but_its_confirmation_mail()
    {
        await _mail.SignUpAsync();
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.Subscriptions.SubscribeAsync(new EmailSubscribeRequest("ezra@example.org", TestPhones.Alice, DeliveryChannel.Both, null, ConsentSource.WebForm, MailEndpoints.Browser));

        var tick = await TickAsync();

        Assert.Equal(2, Sender.Sends.Count);
        Assert.All(Sender.Sends, mail => Assert.NotNull(InMemoryMailSender.LinkOf(mail, RoutePaths.EmailConfirm)));
        Assert.Equal((1L, 0L), (tick.Sent, tick.MailSent));
        Assert.Equal(TestPhones.Alice, Assert.Single(Messenger.Sends).Phone);
        Assert.Equal([TestPhones.Alice], (await Ledger.ListAsync(Day)).Select(record => record.Phone));
    }

    [Fact]
    public async Task A_number_on_both_channels_gets_one_whatsapp_message_and_one_mail()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Both);
        var confirmation = Sender.Sends.Count;

        var tick = await TickAsync();

        Assert.Equal((1L, 1L, 0L), (tick.Sent, tick.MailSent, tick.MailFallbacks));
        Assert.Equal(TestPhones.Alice, Assert.Single(Messenger.Sends).Phone);
        Assert.Equal(Dina, Assert.Single(Sender.Sends.Skip(confirmation)).To);
        var token = InMemoryMailSender.TokenOf(Sender.Sends[^1], RoutePaths.Unsubscribe);
        var link = _mail.Core.Get<EmailLinkSigner>().Verify(token, EmailLinkPurpose.Unsubscribe, _mail.Core.Time.GetUtcNow()).Link;
        Assert.Equal((TestPhones.Alice, Dina), (link?.Key, link?.Address));
        var records = (await Ledger.ListAsync(Day)).OrderBy(record => record.Phone, StringComparer.Ordinal).ToList();
        Assert.Equal([(TestPhones.Alice, DeliveryState.Sent), (DinaKey, DeliveryState.Sent)], records.Select(record => (record.Phone, record.State)));
        Assert.Equal(MessageForm.Email, records[1].Form);
    }

    [Fact]
    public async Task The_next_days_summary_reports_the_previous_days_mail_apart_from_whatsapp()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Both);
        await _mail.ConfirmedAsync("ezra@example.org");
        var tuesday = Day.AddDays(-1);
        var run = await _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(Date: tuesday));
        Assert.Equal((1L, 2L), (run.Sent, run.MailSent));

        var tick = await TickAsync();

        Assert.Equal(tuesday, tick.Previous?.Date);
        Assert.Equal((1L, 0L), (tick.Previous?.Accepted, tick.Previous?.Failed));
        Assert.Equal((2L, 0L, 0L), (tick.Previous?.MailSent, tick.Previous?.MailFailed, tick.Previous?.MailFallbacks));
    }

    [Fact]
    public async Task A_fallback_subscriber_whose_whatsapp_message_goes_out_gets_no_mail()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Fallback);
        var confirmation = Sender.Sends.Count;

        var tick = await TickAsync();

        Assert.Equal((1L, 0L, 0L), (tick.Sent, tick.MailSent, tick.MailFallbacks));
        Assert.Equal(confirmation, Sender.Sends.Count);
        Assert.Null(await Ledger.GetAsync(Day, DinaKey));
    }

    [Fact]
    public async Task A_fallback_subscriber_whose_whatsapp_message_is_not_delivered_today_gets_the_fallback_mail_once()
    {
        await _mail.JoinAsync(TestPhones.Alice);
        await _mail.LinkedAsync(TestPhones.Alice, DeliveryChannel.Fallback);
        var confirmation = Sender.Sends.Count;
        Messenger.Script(TestPhones.Alice, SendOutcome.Failed(SendFailureKind.NotDeliveredToday, "63049", "not delivered today"));

        var tick = await TickAsync();
        var rerun = await _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(Date: Day));

        Assert.Equal((0L, 1L, 1L, 1L), (tick.Sent, tick.Failed, tick.MailSent, tick.MailFallbacks));
        Assert.Equal((0L, 0L), (rerun.MailSent, rerun.MailFallbacks));
        var mail = Assert.Single(Sender.Sends.Skip(confirmation));
        Assert.Equal(Dina, mail.To);
        Assert.Single(Messenger.Sends);
        var record = await Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Sent, MessageForm.FallbackEmail), (record?.State, record?.Form));
        Assert.Equal(ConsentStatus.OptedIn, (await _mail.Store.GetAsync(TestPhones.Alice))?.Status);
    }

    [Fact]
    public async Task A_permanent_refusal_marks_the_address_undeliverable_and_fails_the_date_for_good()
    {
        await _mail.ConfirmedAsync();
        Sender.FailNext(1, MailFailureKind.Permanent, 550, "5.1.1 no such user");
        var before = Sender.Sends.Count;

        var tick = await TickAsync();
        var rerun = await _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(Date: Day));

        Assert.Equal((0L, 1L), (tick.MailSent, tick.MailFailed));
        Assert.Equal(before + 1, Sender.Sends.Count);
        var record = await Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Failed, true, "smtp-550"), (record?.State, record?.Permanent, record?.ErrorCode));
        var subscriber = await _mail.Store.GetAsync(DinaKey);
        Assert.Equal(_mail.Core.Time.GetUtcNow(), subscriber?.EmailUndeliverableAt);
        Assert.Null(subscriber?.DeliverableEmail);
        var entry = (await _mail.Store.GetHistoryAsync(DinaKey))[^1];
        Assert.Equal((ConsentNames.EmailUndeliverable, "smtp-550"), (entry.Evidence.EmailState, entry.Evidence.ErrorCode));
        Assert.Equal(0, rerun.MailSent);

        // The next day's tick mails it no more.
        _mail.Core.Time.Advance(TimeSpan.FromDays(1));
        var tomorrow = await TickAsync();
        Assert.Equal((0L, 0L), (tomorrow.MailSent, tomorrow.MailFailed));
        Assert.Equal(before + 1, Sender.Sends.Count);
    }

    [Fact]
    public async Task A_temporary_refusal_leaves_the_subscriber_due_and_the_next_tick_sends_with_the_same_message_id()
    {
        var subscriber = await _mail.ConfirmedAsync();
        Sender.FailNext(1, MailFailureKind.Transient, 451, "4.7.1 try later");
        var before = Sender.Sends.Count;

        var first = await TickAsync();

        Assert.Equal((0L, 1L), (first.MailSent, first.MailFailed));
        var failed = await Ledger.GetAsync(Day, DinaKey);
        Assert.Equal((DeliveryState.Failed, false, "smtp-451"), (failed?.State, failed?.Permanent, failed?.ErrorCode));
        Assert.Equal(subscriber.NextSendAt, (await _mail.Store.GetAsync(DinaKey))?.NextSendAt);
        Assert.Null((await _mail.Store.GetAsync(DinaKey))?.EmailUndeliverableAt);

        _mail.Core.Time.Advance(SendSchedule.TickInterval);
        var next = await TickAsync();

        Assert.Equal((1L, 0L), (next.MailSent, next.MailFailed));
        var attempts = Sender.Sends.Skip(before).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(attempts[0].MessageKey, attempts[1].MessageKey);
        Assert.Equal(DeliveryState.Sent, (await Ledger.GetAsync(Day, DinaKey))?.State);
    }

    [Fact]
    public async Task A_refusal_on_the_sending_side_fails_the_date_but_keeps_the_address()
    {
        await _mail.ConfirmedAsync();
        Sender.FailNext(1, MailFailureKind.Rejected, 535, "authentication failed");

        var tick = await TickAsync();

        Assert.Equal(1, tick.MailFailed);
        Assert.True((await Ledger.GetAsync(Day, DinaKey))?.Permanent);
        Assert.Equal(Dina, (await _mail.Store.GetAsync(DinaKey))?.DeliverableEmail);
    }

    [Fact]
    public async Task Without_a_mail_sender_an_email_subscriber_gets_nothing_and_the_run_goes_on()
    {
        using var off = new MailEndpoints(withSender: false);
        await off.Store.RecordConsentAsync(new ConsentChange(DinaKey, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "test"), off.Core.Time.GetUtcNow()));

        var tick = await off.Core.Get<DailySendService>().RunAsync(new SendRequest(At: off.Core.Time.GetUtcNow()));

        Assert.Equal((0L, 0L, 0L), (tick.MailSent, tick.MailFailed, tick.Failed));
        Assert.Empty(await off.Core.Ledger.ListAsync(Day));
    }

    private Task<SendSummary> TickAsync() =>
        _mail.Core.Get<DailySendService>().RunAsync(new SendRequest(At: _mail.Core.Time.GetUtcNow()));
}
