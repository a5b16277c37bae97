using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Testing.Contracts;

/// <summary>The contract of the message form, the window flag and the one resend as a template.</summary>
public abstract partial class DeliveryLedgerContract
{
    [Fact]
    public async Task A_claim_has_no_form_and_is_neither_resent_nor_outside_the_window()
    {
        var ledger = await CreateLedgerAsync();

        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);

        Assert.Null(claim!.Form);
        Assert.False(claim.ResentAsTemplate);
        Assert.False(claim.OutsideWindow);
        Assert.Equal(claim, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Theory]
    [InlineData(MessageForm.Freeform, false)]
    [InlineData(MessageForm.Freeform, true)]
    [InlineData(MessageForm.Template, false)]
    public async Task Marking_sent_records_the_form_and_whether_the_window_was_closed(MessageForm form, bool outsideWindow)
    {
        var ledger = await CreateLedgerAsync();
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);

        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, "SM1", T0.AddSeconds(1), form, outsideWindow));

        var sent = await ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(form, sent!.Form);
        Assert.Equal(outsideWindow, sent.OutsideWindow);
        Assert.False(sent.ResentAsTemplate);
        Assert.Equal([sent], await ledger.ListAsync(Day));
    }

    [Fact]
    public async Task A_failure_records_no_form_and_a_later_claim_clears_the_window_flag()
    {
        var ledger = await CreateLedgerAsync();
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        await ledger.MarkFailedAsync(Day, TestPhones.Alice, claim!.ClaimId, "503", permanent: false, T0.AddSeconds(1));

        var failed = await ledger.GetAsync(Day, TestPhones.Alice);
        var again = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddSeconds(2), Lease);

        Assert.Null(failed!.Form);
        Assert.False(failed.OutsideWindow);
        Assert.Null(again!.Form);
    }

    [Fact]
    public async Task A_refused_freeform_message_is_claimed_for_one_resend_and_then_recorded_as_the_template()
    {
        var ledger = await CreateLedgerAsync();
        var first = await SentFreeformAsync(ledger, "SM-free");
        Assert.True(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM-free", DeliveryStatus.Undelivered, "63016", T0.AddMinutes(1)));

        var resend = await ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-free", T0.AddMinutes(2), Lease);

        Assert.NotNull(resend);
        Assert.Equal(DeliveryState.Claimed, resend.State);
        Assert.NotEqual(first.ClaimId, resend.ClaimId);
        Assert.Matches("^[0-9a-f]{32}$", resend.ClaimId);
        Assert.Equal(first.Attempts + 1, resend.Attempts);
        Assert.Equal(T0.AddMinutes(2) + Lease, resend.LeaseExpiresAt);
        Assert.Null(resend.MessageId);
        Assert.Null(resend.Form);
        Assert.Null(resend.DeliveryStatus);
        Assert.Null(resend.DeliveryErrorCode);
        Assert.True(resend.ResentAsTemplate);
        Assert.Equal(resend, await ledger.GetAsync(Day, TestPhones.Alice));

        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, resend.ClaimId, "SM-template", T0.AddMinutes(3), MessageForm.Template));
        var resent = await ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(DeliveryState.Sent, resent!.State);
        Assert.Equal("SM-template", resent.MessageId);
        Assert.Equal(MessageForm.Template, resent.Form);
        Assert.True(resent.ResentAsTemplate);
        Assert.Null(resent.DeliveryStatus);

        // Callbacks of the refused message are stale now; the template's own apply.
        Assert.False(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM-free", DeliveryStatus.Failed, "63016", T0.AddMinutes(4)));
        Assert.True(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM-template", DeliveryStatus.Delivered, null, T0.AddMinutes(5)));
    }

    [Fact]
    public async Task An_item_is_resent_at_most_once()
    {
        var ledger = await CreateLedgerAsync();
        await SentFreeformAsync(ledger, "SM-free");
        var resend = await ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-free", T0.AddMinutes(1), Lease);
        await ledger.MarkFailedAsync(Day, TestPhones.Alice, resend!.ClaimId, "503", permanent: false, T0.AddMinutes(2));

        // A later run serves the item again (freeform, say); the flag stays, so its refusal is not resent.
        var rerun = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddMinutes(3), Lease);
        Assert.True(rerun!.ResentAsTemplate);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, rerun.ClaimId, "SM-free-2", T0.AddMinutes(4), MessageForm.Freeform));

        Assert.Null(await ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-free-2", T0.AddMinutes(5), Lease));
        Assert.Equal("SM-free-2", (await ledger.GetAsync(Day, TestPhones.Alice))!.MessageId);
    }

    [Fact]
    public async Task No_resend_is_claimed_for_another_message_a_template_a_claim_or_an_unknown_item()
    {
        var ledger = await CreateLedgerAsync();
        await SentFreeformAsync(ledger, "SM-free");
        var template = await ledger.TryClaimAsync(Day, TestPhones.Bob, T0, Lease);
        await ledger.MarkSentAsync(Day, TestPhones.Bob, template!.ClaimId, "SM-template", T0.AddSeconds(1), MessageForm.Template);
        var claimed = await ledger.TryClaimAsync(Day, TestPhones.Numbered(3), T0, Lease);
        var before = await ledger.ListAsync(Day);

        Assert.Null(await ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-other", T0.AddMinutes(1), Lease));
        Assert.Null(await ledger.TryClaimResendAsync(Day, TestPhones.Bob, "SM-template", T0.AddMinutes(1), Lease));
        Assert.Null(await ledger.TryClaimResendAsync(Day, TestPhones.Numbered(3), claimed!.ClaimId, T0.AddMinutes(1), Lease));
        Assert.Null(await ledger.TryClaimResendAsync(Day, TestPhones.Numbered(4), "SM-free", T0.AddMinutes(1), Lease));
        Assert.Null(await ledger.TryClaimResendAsync(Day.AddDays(1), TestPhones.Alice, "SM-free", T0.AddMinutes(1), Lease));

        Assert.Equal(before, await ledger.ListAsync(Day));
        Assert.Null(await ledger.GetAsync(Day, TestPhones.Numbered(4)));
    }

    [Fact]
    public async Task Of_concurrent_resend_claims_exactly_one_wins()
    {
        var ledger = await CreateLedgerAsync();
        await SentFreeformAsync(ledger, "SM-free");

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ledger.TryClaimResendAsync(Day, TestPhones.Alice, "SM-free", T0.AddMinutes(1), Lease))));

        var winner = Assert.Single(claims, claim => claim is not null);
        Assert.Equal(winner, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    private static async Task<DeliveryRecord> SentFreeformAsync(IDeliveryLedger ledger, string messageId)
    {
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, messageId, T0.AddSeconds(1), MessageForm.Freeform));
        return (await ledger.GetAsync(Day, TestPhones.Alice))!;
    }
}
