using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>The due index the send tick reads: <see cref="Subscriber.NextSendAt"/>, its listing and its conditional move.</summary>
public abstract partial class SubscriberStoreContract
{
    [Fact]
    public async Task An_opt_in_is_due_from_its_own_time_and_not_before()
    {
        var store = await CreateStoreAsync();

        var joined = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());

        Assert.Equal(T0, joined.Subscriber.NextSendAt);
        Assert.Equal(T0, (await store.GetAsync(TestPhones.Alice))?.NextSendAt);
        Assert.Empty((await store.ListDueAsync(T0.AddMilliseconds(-1), null, 10)).Items);
        Assert.Equal([joined.Subscriber], (await store.ListDueAsync(T0, null, 10)).Items);
    }

    [Fact]
    public async Task Only_opted_in_reachable_subscribers_whose_time_has_come_are_due_in_time_then_phone_order()
    {
        var store = await CreateStoreAsync();
        var phones = Enumerable.Range(0, 8).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(T0).Build());
        }

        // 0 and 1 at T0+2h, 2 at T0+1h, 3 at T0+3h (not yet), 4 opted out, 5 unreachable, 6 and 7 stay at T0.
        Assert.True(await store.SetNextSendAtAsync(phones[1], T0, T0.AddHours(2)));
        Assert.True(await store.SetNextSendAtAsync(phones[0], T0, T0.AddHours(2)));
        Assert.True(await store.SetNextSendAtAsync(phones[2], T0, T0.AddHours(1)));
        Assert.True(await store.SetNextSendAtAsync(phones[3], T0, T0.AddHours(3)));
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(phones[4]).At(T0.AddMinutes(1)).Build());
        await store.RecordReachabilityAsync(Unreachable(phones[5], T0.AddMinutes(1)));
        await store.RecordConsentAsync(ConsentChangeBuilder.To(TestPhones.Alice, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.9", "Mozilla/5.0").At(T0).Build());

        var due = await store.ListDueAsync(T0.AddHours(2).AddMinutes(30), null, 100);

        Assert.Null(due.ContinuationToken);
        Assert.Equal([phones[6], phones[7], phones[2], phones[0], phones[1]], due.Items.Select(subscriber => subscriber.Phone));
        foreach (var subscriber in due.Items)
        {
            // Listed subscribers are complete, not projections.
            Assert.Equal(await store.GetAsync(subscriber.Phone), subscriber);
        }
    }

    [Fact]
    public async Task Due_pages_neither_skip_nor_repeat_subscribers_moved_on_between_pages()
    {
        var store = await CreateStoreAsync();
        var phones = Enumerable.Range(0, 25).Select(TestPhones.Numbered).ToList();
        for (var i = 0; i < phones.Count; i++)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phones[i]).At(T0.AddSeconds(i % 3)).Build());
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.ListDueAsync(T0.AddMinutes(1), token, 10);
            pages++;
            foreach (var subscriber in page.Items)
            {
                seen.Add(subscriber.Phone);
                Assert.True(await store.SetNextSendAtAsync(subscriber.Phone, subscriber.NextSendAt, T0.AddDays(1)));
            }

            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(phones.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Empty((await store.ListDueAsync(T0.AddHours(1), null, 100)).Items);
        Assert.Equal(25, (await store.ListDueAsync(T0.AddDays(1), null, 100)).Items.Count);
    }

    [Fact]
    public async Task Moving_the_next_send_time_is_conditional_and_changes_nothing_else()
    {
        var store = await CreateStoreAsync();
        var joined = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build())).Subscriber;

        Assert.False(await store.SetNextSendAtAsync(TestPhones.Alice, T0.AddMinutes(1), T0.AddDays(1)));
        Assert.False(await store.SetNextSendAtAsync(TestPhones.Alice, null, T0.AddDays(1)));
        Assert.False(await store.SetNextSendAtAsync(TestPhones.Bob, null, T0.AddDays(1)));
        Assert.Equal(joined, await store.GetAsync(TestPhones.Alice));
        Assert.Null(await store.GetAsync(TestPhones.Bob));

        Assert.True(await store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddDays(1).AddTicks(4321)));

        Assert.Equal(joined with { NextSendAt = T0.AddDays(1) }, await store.GetAsync(TestPhones.Alice));
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.False(await store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddDays(2)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetNextSendAtAsync("5551234", null, T0));
    }

    [Fact]
    public async Task Of_concurrent_moves_from_one_time_exactly_one_lands()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());

        var moved = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() => store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddHours(i)))));

        var winner = Assert.Single(moved.Select((landed, i) => (landed, i)), pair => pair.landed);
        Assert.Equal(T0.AddHours(winner.i + 1), (await store.GetAsync(TestPhones.Alice))?.NextSendAt);
    }

    [Fact]
    public async Task Preference_changes_and_cleared_marks_reschedule_at_their_time_and_other_changes_keep_it()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddDays(3));

        var changed = await store.SetPreferencesAsync(TestPhones.Alice, Chosen, T0.AddHours(1));
        Assert.Equal(T0.AddHours(1), changed?.NextSendAt);

        await store.SetNextSendAtAsync(TestPhones.Alice, T0.AddHours(1), T0.AddDays(3));
        var marked = await store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddHours(2)));
        Assert.Equal(T0.AddDays(3), marked?.Subscriber.NextSendAt);
        Assert.Empty((await store.ListDueAsync(T0.AddDays(4), null, 10)).Items);

        var cleared = await store.RecordReachabilityAsync(Reachable(TestPhones.Alice, T0.AddHours(5)));
        Assert.Equal(T0.AddHours(5), cleared?.Subscriber.NextSendAt);
        Assert.Equal([TestPhones.Alice], (await store.ListDueAsync(T0.AddHours(5), null, 10)).Items.Select(subscriber => subscriber.Phone));

        var optedOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddHours(6)).Build());
        Assert.Equal(T0.AddHours(5), optedOut.Subscriber.NextSendAt);
        Assert.Empty((await store.ListDueAsync(T0.AddDays(4), null, 10)).Items);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Due_listing_rejects_page_sizes_outside_1_to_1000(int pageSize)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListDueAsync(T0, null, pageSize));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("KzE1NTUwMDAwMDAx")]
    public async Task Due_listing_rejects_a_continuation_token_it_did_not_issue(string token)
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ListDueAsync(T0, token, 10));
    }
}
