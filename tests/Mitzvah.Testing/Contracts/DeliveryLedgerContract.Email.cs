using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Testing.Contracts;

/// <summary>Mail deliveries: items keyed by an email key (<see cref="AddressKey"/>) beside WhatsApp numbers.</summary>
public abstract partial class DeliveryLedgerContract
{
    [Fact]
    public async Task Mail_keys_are_claimed_marked_and_listed_beside_a_number_on_the_same_date()
    {
        var ledger = await CreateLedgerAsync();
        var dina = AddressKey.ForEmail("dina@example.org");
        var eli = AddressKey.ForEmail("eli@example.org");
        var claims = new Dictionary<string, DeliveryRecord>();
        foreach (var key in new[] { eli, TestPhones.Alice, dina })
        {
            claims[key] = (await ledger.TryClaimAsync(Day, key, T0, Lease))!;
        }

        Assert.Null(await ledger.TryClaimAsync(Day, dina, T0.AddSeconds(1), Lease));
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claims[TestPhones.Alice].ClaimId, "SM1", T0.AddSeconds(2), MessageForm.Freeform));
        Assert.True(await ledger.MarkSentAsync(Day, dina, claims[dina].ClaimId, "<m1@mitzvah.example>", T0.AddSeconds(2), MessageForm.Email));
        Assert.True(await ledger.MarkSentAsync(Day, eli, claims[eli].ClaimId, "<m2@mitzvah.example>", T0.AddSeconds(3), MessageForm.FallbackEmail));

        var listed = await ledger.ListAsync(Day);

        Assert.Equal([TestPhones.Alice, dina, eli], listed.Select(record => record.Phone));
        Assert.Equal([MessageForm.Freeform, MessageForm.Email, MessageForm.FallbackEmail], listed.Select(record => record.Form));
        Assert.Equal(
            claims[dina] with { State = DeliveryState.Sent, MessageId = "<m1@mitzvah.example>", UpdatedAt = T0.AddSeconds(2), Form = MessageForm.Email },
            await ledger.GetAsync(Day, dina));
        Assert.Equal(listed[2], await ledger.GetAsync(Day, eli));
        Assert.Null(await ledger.GetAsync(Day.AddDays(1), dina));
    }

    [Fact]
    public async Task A_mail_key_fails_for_good_like_a_number()
    {
        var ledger = await CreateLedgerAsync();
        var dina = AddressKey.ForEmail("dina@example.org");
        var claim = await ledger.TryClaimAsync(Day, dina, T0, Lease);

        Assert.True(await ledger.MarkFailedAsync(Day, dina, claim!.ClaimId, "550", permanent: true, T0.AddSeconds(1)));

        var failed = await ledger.GetAsync(Day, dina);
        Assert.Equal((DeliveryState.Failed, "550", true), (failed!.State, failed.ErrorCode, failed.Permanent));
        Assert.Null(await ledger.TryClaimAsync(Day, dina, T0.AddMinutes(10), Lease));
    }

    [Theory]
    [InlineData("mailto:Dina@Example.org")]
    [InlineData("mailto:no-at")]
    [InlineData("mailto:")]
    [InlineData("dina@example.org")]
    public async Task Keys_that_are_not_normalised_email_keys_are_rejected(string key)
    {
        var ledger = await CreateLedgerAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.TryClaimAsync(Day, key, T0, Lease));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.MarkSentAsync(Day, key, "c", "m1", T0, MessageForm.Email));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.MarkFailedAsync(Day, key, "c", "550", permanent: true, T0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.GetAsync(Day, key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.RecordStatusAsync(Day, key, "m1", DeliveryStatus.Sent, null, T0));
        Assert.Empty(await ledger.ListAsync(Day));
    }
}
