using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;

namespace Mitzvah.Testing.Contracts;

/// <summary>
/// The behaviour every <see cref="IDeliveryLedger"/> must have. Derive one test class per ledger and implement
/// <see cref="CreateLedgerAsync"/>; the cases here run against it.
/// </summary>
public abstract partial class DeliveryLedgerContract
{
    private static readonly DateOnly Day = new(2025, 3, 2);
    private static readonly DateTimeOffset T0 = new(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>Returns a new, empty ledger. Called once per test.</summary>
    protected abstract Task<IDeliveryLedger> CreateLedgerAsync();

    [Fact]
    public async Task Unknown_item_is_null_and_an_empty_date_lists_nothing()
    {
        var ledger = await CreateLedgerAsync();

        Assert.Null(await ledger.GetAsync(Day, TestPhones.Alice));
        Assert.Empty(await ledger.ListAsync(Day));
    }

    [Fact]
    public async Task First_claim_wins_and_creates_a_claimed_record()
    {
        var ledger = await CreateLedgerAsync();

        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);

        Assert.NotNull(claim);
        Assert.Equal(Day, claim.StudyDate);
        Assert.Equal(TestPhones.Alice, claim.Phone);
        Assert.Equal(DeliveryState.Claimed, claim.State);
        Assert.Matches("^[0-9a-f]{32}$", claim.ClaimId);
        Assert.Equal(1, claim.Attempts);
        Assert.Equal(T0 + Lease, claim.LeaseExpiresAt);
        Assert.Null(claim.MessageId);
        Assert.Null(claim.ErrorCode);
        Assert.False(claim.Permanent);
        Assert.Equal(T0, claim.UpdatedAt);
        Assert.Equal(claim, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Second_claim_while_the_lease_is_live_returns_null_and_changes_nothing()
    {
        var ledger = await CreateLedgerAsync();
        var first = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);

        var second = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0 + Lease - TimeSpan.FromMilliseconds(1), Lease);

        Assert.Null(second);
        Assert.Equal(first, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Claim_after_the_lease_expires_takes_over_and_only_the_new_claim_can_mark_sent()
    {
        var ledger = await CreateLedgerAsync();
        var first = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        var takeOverAt = T0 + Lease;

        var second = await ledger.TryClaimAsync(Day, TestPhones.Alice, takeOverAt, Lease);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotEqual(first.ClaimId, second.ClaimId);
        Assert.Equal(2, second.Attempts);
        Assert.Equal(DeliveryState.Claimed, second.State);
        Assert.Equal(takeOverAt + Lease, second.LeaseExpiresAt);
        Assert.False(await ledger.MarkSentAsync(Day, TestPhones.Alice, first.ClaimId, "SM-old", takeOverAt.AddSeconds(1)));
        Assert.Equal(second, await ledger.GetAsync(Day, TestPhones.Alice));
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, second.ClaimId, "SM-new", takeOverAt.AddSeconds(2)));
        var stored = await ledger.GetAsync(Day, TestPhones.Alice);
        Assert.Equal(second with { State = DeliveryState.Sent, MessageId = "SM-new", UpdatedAt = takeOverAt.AddSeconds(2), Form = MessageForm.Freeform }, stored);
    }

    [Fact]
    public async Task Sent_is_final_and_cannot_be_claimed_even_after_the_lease()
    {
        var ledger = await CreateLedgerAsync();
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, "SM1", T0.AddSeconds(3)));
        var sent = await ledger.GetAsync(Day, TestPhones.Alice);

        var again = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddDays(1), Lease);

        Assert.Null(again);
        Assert.Equal(sent, await ledger.GetAsync(Day, TestPhones.Alice));
        Assert.False(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim.ClaimId, "SM2", T0.AddDays(1)));
        Assert.False(await ledger.MarkFailedAsync(Day, TestPhones.Alice, claim.ClaimId, "63016", permanent: false, T0.AddDays(1)));
        Assert.Equal(sent, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Transient_failure_is_recorded_and_can_be_claimed_again_at_once()
    {
        var ledger = await CreateLedgerAsync();
        var first = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        var failedAt = T0.AddSeconds(4);

        Assert.True(await ledger.MarkFailedAsync(Day, TestPhones.Alice, first!.ClaimId, "20429", permanent: false, failedAt));
        Assert.Equal(
            first with { State = DeliveryState.Failed, ErrorCode = "20429", Permanent = false, UpdatedAt = failedAt },
            await ledger.GetAsync(Day, TestPhones.Alice));

        var retry = await ledger.TryClaimAsync(Day, TestPhones.Alice, failedAt.AddSeconds(1), Lease);

        Assert.NotNull(retry);
        Assert.Equal(DeliveryState.Claimed, retry.State);
        Assert.Equal(2, retry.Attempts);
        Assert.NotEqual(first.ClaimId, retry.ClaimId);
        Assert.Null(retry.ErrorCode);
        Assert.Equal(retry, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Permanent_failure_cannot_be_claimed_again()
    {
        var ledger = await CreateLedgerAsync();
        var first = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        Assert.True(await ledger.MarkFailedAsync(Day, TestPhones.Alice, first!.ClaimId, "63024", permanent: true, T0.AddSeconds(4)));
        var failed = await ledger.GetAsync(Day, TestPhones.Alice);

        var retry = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddDays(1), Lease);

        Assert.Null(retry);
        Assert.Equal(first with { State = DeliveryState.Failed, ErrorCode = "63024", Permanent = true, UpdatedAt = T0.AddSeconds(4) }, failed);
        Assert.Equal(failed, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Marks_with_a_wrong_claim_id_return_false_and_change_nothing()
    {
        var ledger = await CreateLedgerAsync();
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        var wrong = Guid.NewGuid().ToString("N");

        Assert.False(await ledger.MarkSentAsync(Day, TestPhones.Alice, wrong, "SM1", T0.AddSeconds(1)));
        Assert.False(await ledger.MarkFailedAsync(Day, TestPhones.Alice, wrong, "30003", permanent: true, T0.AddSeconds(1)));

        Assert.Equal(claim, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Marks_of_an_unclaimed_item_return_false_and_create_nothing()
    {
        var ledger = await CreateLedgerAsync();
        var claimId = Guid.NewGuid().ToString("N");

        Assert.False(await ledger.MarkSentAsync(Day, TestPhones.Alice, claimId, "SM1", T0));
        Assert.False(await ledger.MarkFailedAsync(Day, TestPhones.Alice, claimId, "30003", permanent: false, T0));

        Assert.Null(await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task Records_are_per_date_and_phone()
    {
        var ledger = await CreateLedgerAsync();
        var today = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, today!.ClaimId, "SM1", T0.AddSeconds(1)));

        var tomorrow = await ledger.TryClaimAsync(Day.AddDays(1), TestPhones.Alice, T0.AddSeconds(2), Lease);
        var bob = await ledger.TryClaimAsync(Day, TestPhones.Bob, T0.AddSeconds(2), Lease);

        Assert.NotNull(tomorrow);
        Assert.Equal(1, tomorrow.Attempts);
        Assert.Equal(Day.AddDays(1), tomorrow.StudyDate);
        Assert.NotNull(bob);
        Assert.Equal(1, bob.Attempts);
        Assert.Equal(DeliveryState.Sent, (await ledger.GetAsync(Day, TestPhones.Alice))!.State);
        Assert.False(await ledger.MarkSentAsync(Day, TestPhones.Alice, tomorrow.ClaimId, "SM2", T0.AddSeconds(3)));
        Assert.Equal(tomorrow, await ledger.GetAsync(Day.AddDays(1), TestPhones.Alice));
    }

    [Fact]
    public async Task List_returns_only_that_dates_records_ordered_by_phone()
    {
        var ledger = await CreateLedgerAsync();
        var third = await ledger.TryClaimAsync(Day, TestPhones.Numbered(3), T0, Lease);
        var first = await ledger.TryClaimAsync(Day, TestPhones.Numbered(1), T0, Lease);
        await ledger.TryClaimAsync(Day.AddDays(1), TestPhones.Numbered(2), T0, Lease);
        await ledger.TryClaimAsync(Day.AddDays(-1), TestPhones.Numbered(2), T0, Lease);
        var second = await ledger.TryClaimAsync(Day, TestPhones.Numbered(2), T0, Lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Numbered(2), second!.ClaimId, "SM2", T0.AddSeconds(1)));

        var listed = await ledger.ListAsync(Day);

        Assert.Equal(
            [first!, second with { State = DeliveryState.Sent, MessageId = "SM2", UpdatedAt = T0.AddSeconds(1), Form = MessageForm.Freeform }, third!],
            listed);
    }

    [Fact]
    public async Task Exactly_one_of_16_concurrent_claims_wins()
    {
        var ledger = await CreateLedgerAsync();

        var claims = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease))));

        var winner = Assert.Single(claims, claim => claim is not null);
        Assert.Equal(winner, await ledger.GetAsync(Day, TestPhones.Alice));
        Assert.Equal(1, winner!.Attempts);
    }

    [Fact]
    public async Task Timestamps_round_trip_to_the_millisecond()
    {
        var ledger = await CreateLedgerAsync();
        var claimedAt = new DateTimeOffset(2025, 3, 2, 23, 59, 58, 123, TimeSpan.Zero);
        var lease = TimeSpan.FromMilliseconds(1_877);
        var sentAt = new DateTimeOffset(2025, 3, 3, 0, 0, 1, 7, TimeSpan.Zero);

        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, claimedAt, lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, "SM1", sentAt));
        var stored = await ledger.GetAsync(Day, TestPhones.Alice);

        Assert.Equal(claimedAt, claim.UpdatedAt);
        Assert.Equal(new DateTimeOffset(2025, 3, 3, 0, 0, 0, 0, TimeSpan.Zero), stored!.LeaseExpiresAt);
        Assert.Equal(sentAt, stored.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, stored.UpdatedAt.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15550000101")]
    [InlineData("+0123456789")]
    [InlineData("+1 555 000 0101")]
    [InlineData("+15550000101\n")]
    public async Task Invalid_phone_numbers_are_rejected(string phone)
    {
        var ledger = await CreateLedgerAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.TryClaimAsync(Day, phone, T0, Lease));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.MarkSentAsync(Day, phone, "c", "SM1", T0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.MarkFailedAsync(Day, phone, "c", "30003", permanent: false, T0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.GetAsync(Day, phone));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ledger.RecordStatusAsync(Day, phone, "SM1", DeliveryStatus.Sent, null, T0));
    }

    [Fact]
    public async Task A_sent_item_has_no_delivery_status_until_a_callback()
    {
        var ledger = await CreateLedgerAsync();

        var sent = await SentAsync(ledger, "SM1");

        Assert.Null(sent.DeliveryStatus);
        Assert.Null(sent.DeliveryErrorCode);
        Assert.Null(sent.DeliveryStatusAt);
    }

    [Fact]
    public async Task Delivery_status_moves_forward_and_records_when()
    {
        var ledger = await CreateLedgerAsync();
        var sent = await SentAsync(ledger, "SM1");

        var applied = new List<bool>();
        foreach (var (status, offset) in new[] { (DeliveryStatus.Accepted, 2), (DeliveryStatus.Sent, 3), (DeliveryStatus.Delivered, 4), (DeliveryStatus.Read, 5) })
        {
            applied.Add(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", status, null, T0.AddSeconds(offset)));
        }

        Assert.Equal([true, true, true, true], applied);
        Assert.Equal(
            sent with { DeliveryStatus = DeliveryStatus.Read, DeliveryStatusAt = T0.AddSeconds(5), UpdatedAt = T0.AddSeconds(5) },
            await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task An_older_status_arriving_late_changes_nothing()
    {
        var ledger = await CreateLedgerAsync();
        await SentAsync(ledger, "SM1");
        Assert.True(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(4)));
        var delivered = await ledger.GetAsync(Day, TestPhones.Alice);

        var sentLate = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Sent, null, T0.AddSeconds(5));
        var acceptedLate = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Accepted, null, T0.AddSeconds(6));
        var afterLate = await ledger.GetAsync(Day, TestPhones.Alice);
        var read = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Read, null, T0.AddSeconds(7));

        Assert.False(sentLate);
        Assert.False(acceptedLate);
        Assert.Equal(delivered, afterLate);
        Assert.True(read);
        Assert.Equal(DeliveryStatus.Read, (await ledger.GetAsync(Day, TestPhones.Alice))?.DeliveryStatus);
    }

    [Fact]
    public async Task A_repeated_status_changes_nothing()
    {
        var ledger = await CreateLedgerAsync();
        await SentAsync(ledger, "SM1");
        Assert.True(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(4)));
        var first = await ledger.GetAsync(Day, TestPhones.Alice);

        var again = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(9));

        Assert.False(again);
        Assert.Equal(first, await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Theory]
    [InlineData(DeliveryStatus.Failed)]
    [InlineData(DeliveryStatus.Undelivered)]
    public async Task A_failure_is_final_with_its_error_code(DeliveryStatus failure)
    {
        var ledger = await CreateLedgerAsync();
        var sent = await SentAsync(ledger, "SM1");
        Assert.True(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Sent, null, T0.AddSeconds(2)));

        var failed = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", failure, "63049", T0.AddSeconds(3));
        var later = new List<bool>();
        foreach (var status in new[] { DeliveryStatus.Delivered, DeliveryStatus.Read, DeliveryStatus.Failed, DeliveryStatus.Undelivered })
        {
            later.Add(await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", status, "30008", T0.AddSeconds(4)));
        }

        Assert.True(failed);
        Assert.Equal([false, false, false, false], later);
        Assert.Equal(
            sent with { DeliveryStatus = failure, DeliveryErrorCode = "63049", DeliveryStatusAt = T0.AddSeconds(3), UpdatedAt = T0.AddSeconds(3) },
            await ledger.GetAsync(Day, TestPhones.Alice));
    }

    [Fact]
    public async Task A_status_of_another_message_or_an_unknown_item_is_ignored()
    {
        var ledger = await CreateLedgerAsync();
        var sent = await SentAsync(ledger, "SM1");
        var claimed = await ledger.TryClaimAsync(Day, TestPhones.Bob, T0, Lease);

        var otherMessage = await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM-earlier", DeliveryStatus.Delivered, null, T0.AddSeconds(2));
        var notYetSent = await ledger.RecordStatusAsync(Day, TestPhones.Bob, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(2));
        var unknown = await ledger.RecordStatusAsync(Day, TestPhones.Numbered(3), "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(2));
        var otherDay = await ledger.RecordStatusAsync(Day.AddDays(1), TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(2));

        Assert.Equal([false, false, false, false], new[] { otherMessage, notYetSent, unknown, otherDay });
        Assert.Equal(sent, await ledger.GetAsync(Day, TestPhones.Alice));
        Assert.Equal(claimed, await ledger.GetAsync(Day, TestPhones.Bob));
        Assert.Null(await ledger.GetAsync(Day, TestPhones.Numbered(3)));
        Assert.Null(await ledger.GetAsync(Day.AddDays(1), TestPhones.Alice));
    }

    [Fact]
    public async Task Of_20_concurrent_callbacks_in_shuffled_order_each_rank_applies_at_most_once_and_the_highest_stays()
    {
        var ledger = await CreateLedgerAsync();
        await SentAsync(ledger, "SM1");
        DeliveryStatus[] progress = [DeliveryStatus.Accepted, DeliveryStatus.Sending, DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read];
        var callbacks = Enumerable.Range(0, 20).Select(i => progress[i % progress.Length]).ToArray();
        new Random(20).Shuffle(callbacks);

        var applied = await Task.WhenAll(callbacks.Select(status =>
            Task.Run(async () => (Status: status, Applied: await ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", status, null, T0.AddSeconds(2))))));

        Assert.All(applied.Where(a => a.Applied).GroupBy(a => a.Status), group => Assert.Single(group));
        Assert.Single(applied, a => a.Applied && a.Status == DeliveryStatus.Read);
        Assert.Equal(DeliveryStatus.Read, (await ledger.GetAsync(Day, TestPhones.Alice))?.DeliveryStatus);
    }

    [Fact]
    public async Task Concurrent_callbacks_of_one_status_apply_exactly_once()
    {
        var ledger = await CreateLedgerAsync();
        await SentAsync(ledger, "SM1");

        var applied = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ =>
            Task.Run(() => ledger.RecordStatusAsync(Day, TestPhones.Alice, "SM1", DeliveryStatus.Delivered, null, T0.AddSeconds(2)))));

        Assert.Single(applied, a => a);
    }

    private static async Task<DeliveryRecord> SentAsync(IDeliveryLedger ledger, string messageId)
    {
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0, Lease);
        Assert.True(await ledger.MarkSentAsync(Day, TestPhones.Alice, claim!.ClaimId, messageId, T0.AddSeconds(1)));
        return (await ledger.GetAsync(Day, TestPhones.Alice))!;
    }
}
