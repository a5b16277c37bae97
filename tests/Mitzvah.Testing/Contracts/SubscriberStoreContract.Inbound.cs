using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>The contract of <see cref="ISubscriberStore.RecordInboundAsync"/>.</summary>
public abstract partial class SubscriberStoreContract
{
    private static readonly DateTimeOffset Inbound = new(2025, 3, 1, 15, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public async Task A_new_subscriber_has_no_inbound_time()
    {
        var store = await CreateStoreAsync();

        var result = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        Assert.Null(result.Subscriber.LastInboundAt);
        Assert.Null((await store.GetAsync(TestPhones.Alice))!.LastInboundAt);
    }

    [Fact]
    public async Task Inbound_of_an_unknown_number_creates_nothing()
    {
        var store = await CreateStoreAsync();

        Assert.False(await store.RecordInboundAsync(TestPhones.Alice, Inbound));

        Assert.Null(await store.GetAsync(TestPhones.Alice));
        Assert.Empty(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal(0, await store.CountAsync(ConsentStatus.OptedIn));
    }

    [Fact]
    public async Task Inbound_sets_the_time_to_the_millisecond_in_utc_and_nothing_else()
    {
        var store = await CreateStoreAsync();
        var before = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build())).Subscriber;
        var at = new DateTimeOffset(2025, 3, 1, 18, 0, 0, 250, TimeSpan.FromHours(3)).AddTicks(4321);

        Assert.True(await store.RecordInboundAsync(TestPhones.Alice, at));

        var after = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(before with { LastInboundAt = Inbound }, after);
        Assert.Equal(TimeSpan.Zero, after!.LastInboundAt!.Value.Offset);
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Inbound_time_only_moves_forward()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        Assert.True(await store.RecordInboundAsync(TestPhones.Alice, Inbound));
        Assert.False(await store.RecordInboundAsync(TestPhones.Alice, Inbound.AddMinutes(-5)));
        Assert.False(await store.RecordInboundAsync(TestPhones.Alice, Inbound));
        Assert.Equal(Inbound, (await store.GetAsync(TestPhones.Alice))!.LastInboundAt);

        Assert.True(await store.RecordInboundAsync(TestPhones.Alice, Inbound.AddMinutes(5)));
        Assert.Equal(Inbound.AddMinutes(5), (await store.GetAsync(TestPhones.Alice))!.LastInboundAt);
    }

    [Fact]
    public async Task Consent_and_preference_changes_keep_the_inbound_time()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordInboundAsync(TestPhones.Alice, Inbound);

        var optedOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(Inbound.AddMinutes(1)).Build());
        var withPreferences = await store.SetPreferencesAsync(TestPhones.Alice, Chosen);

        Assert.Equal(Inbound, optedOut.Subscriber.LastInboundAt);
        Assert.Equal(Inbound, withPreferences!.LastInboundAt);
        Assert.Equal(Inbound, (await store.GetAsync(TestPhones.Alice))!.LastInboundAt);
    }

    [Fact]
    public async Task Concurrent_inbound_times_end_at_the_latest()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var times = Enumerable.Range(0, 12).Select(i => Inbound.AddSeconds((i * 7) % 12)).ToArray();

        var written = await Task.WhenAll(times.Select(at => Task.Run(() => store.RecordInboundAsync(TestPhones.Alice, at))));

        Assert.Contains(true, written);
        Assert.Equal(times.Max(), (await store.GetAsync(TestPhones.Alice))!.LastInboundAt);
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Concurrent_inbound_and_consent_changes_lose_neither()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        await Task.WhenAll(
            Task.Run(() => store.RecordInboundAsync(TestPhones.Alice, Inbound)),
            Task.Run(() => store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(Inbound).Build())));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(ConsentStatus.OptedOut, subscriber!.Status);
        Assert.Equal(Inbound, subscriber.LastInboundAt);
    }

    [Theory]
    [InlineData("15550000101")]
    [InlineData("+0123")]
    public async Task Inbound_of_a_number_that_is_not_E164_is_rejected(string phone)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.RecordInboundAsync(phone, Inbound));
    }
}
