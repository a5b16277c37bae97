using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>Email subscribers: email keys (<see cref="AddressKey"/>) and <see cref="ISubscriberStore.ChangeEmailAsync"/>.</summary>
public abstract partial class SubscriberStoreContract
{
    private const string Dina = "dina@example.org";
    private const string Eli = "eli@example.org";

    private static readonly string DinaKey = AddressKey.ForEmail(Dina);

    private static readonly ConsentEvidence LinkEvidence = new(IpAddress: "203.0.113.7", UserAgent: "Mozilla/5.0");

    [Fact]
    public async Task An_email_only_subscriber_is_recorded_pending_then_opted_in_and_listed_like_any_other()
    {
        var store = await CreateStoreAsync();
        var alice = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build())).Subscriber;
        var request = ConsentChangeBuilder.To(DinaKey, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.7", "Mozilla/5.0").At(T0).Build();
        var confirmation = ConsentChangeBuilder.OptIn(DinaKey).ViaWebForm("v1", "203.0.113.8", "Mozilla/5.0").At(T0.AddHours(1)).Build();

        var pending = await store.RecordConsentAsync(request);
        var optedIn = await store.RecordConsentAsync(confirmation);

        var expected = new Subscriber
        {
            Phone = DinaKey,
            Addresses = new SubscriberAddresses { Email = Dina },
            Channel = ConsentNames.EmailChannel,
            Status = ConsentStatus.OptedIn,
            Purpose = ConsentNames.DailyMitzvotPurpose,
            Source = ConsentSource.WebForm,
            Evidence = confirmation.Evidence,
            CreatedAt = request.At,
            UpdatedAt = confirmation.At,
            Version = 2,
            NextSendAt = confirmation.At,
        };
        Assert.True(pending.Changed);
        Assert.Null(pending.Subscriber.Addresses.WhatsApp);
        Assert.Equal(Dina, pending.Subscriber.Addresses.Email);
        Assert.False(pending.Subscriber.IsEmailConfirmed);
        Assert.Null(pending.Subscriber.DeliverableEmail);
        Assert.True(optedIn.Changed);
        Assert.Equal(ConsentStatus.Pending, optedIn.PreviousStatus);
        Assert.Equal(expected, optedIn.Subscriber);
        Assert.Equal(expected, await store.GetAsync(DinaKey));
        Assert.True(expected.IsEmailConfirmed);
        Assert.Equal(Dina, expected.DeliverableEmail);
        Assert.Equal(DeliveryChannel.Email, expected.EffectiveChannel);

        Assert.Equal([alice, expected], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal([alice, expected], (await store.ListDueAsync(T0.AddHours(1), null, 10)).Items);
        Assert.Equal(2, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(0, await store.CountAsync(ConsentStatus.Pending));
        Assert.Equal(
            [
                new ConsentHistoryEntry(DinaKey, 1, ConsentStatus.Pending, ConsentSource.WebForm, request.Evidence, request.At),
                new ConsentHistoryEntry(DinaKey, 2, ConsentStatus.OptedIn, ConsentSource.WebForm, confirmation.Evidence, confirmation.At),
            ],
            await store.GetHistoryAsync(DinaKey));
    }

    [Fact]
    public async Task Listings_page_across_email_keys_with_one_subscriber_a_page()
    {
        var store = await CreateStoreAsync();
        string[] keys = [TestPhones.Alice, AddressKey.ForEmail("ada@example.org"), DinaKey, AddressKey.ForEmail(Eli), TestPhones.Bob];
        foreach (var key in keys)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(key).At(T0).Build());
        }

        var listed = new List<string>();
        var due = new List<string>();
        string? token = null, dueToken = null;
        do
        {
            var page = await store.ListAsync(ConsentStatus.OptedIn, token, 1);
            listed.AddRange(page.Items.Select(s => s.Phone));
            token = page.ContinuationToken;
        }
        while (token is not null);

        do
        {
            var page = await store.ListDueAsync(T0, dueToken, 1);
            due.AddRange(page.Items.Select(s => s.Phone));
            dueToken = page.ContinuationToken;
        }
        while (dueToken is not null);

        Assert.Equal(keys.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(keys.Length, listed.Distinct().Count());
        Assert.Equal(keys.Order(StringComparer.Ordinal), due.Order(StringComparer.Ordinal));
        Assert.Equal(keys.Length, due.Distinct().Count());
    }

    [Fact]
    public async Task An_email_only_subscriber_keeps_its_address_through_an_opt_out()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(DinaKey).At(T0).Build());

        var optedOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(DinaKey).At(T0.AddDays(1)).Build());

        Assert.Equal(new SubscriberAddresses { Email = Dina }, optedOut.Subscriber.Addresses);
        Assert.False(optedOut.Subscriber.IsEmailConfirmed);
        Assert.Equal(optedOut.Subscriber, await store.GetAsync(DinaKey));
        Assert.Equal([DinaKey], (await store.ListAsync(ConsentStatus.OptedOut, null, 10)).Items.Select(subscriber => subscriber.Phone));
        Assert.Empty((await store.ListDueAsync(T0.AddDays(2), null, 10)).Items);
    }

    [Fact]
    public async Task Unknown_email_key_has_no_subscriber_and_no_history()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(AddressKey.ForEmail(Eli)).Build());

        Assert.Null(await store.GetAsync(DinaKey));
        Assert.Empty(await store.GetHistoryAsync(DinaKey));
    }

    [Theory]
    [InlineData("mailto:Dina@Example.org")]
    [InlineData("mailto:no-at")]
    [InlineData("mailto:")]
    [InlineData("mailto: dina@example.org")]
    [InlineData("dina@example.org")]
    [InlineData("MAILTO:dina@example.org")]
    public async Task Keys_that_are_neither_E164_nor_a_normalised_email_key_are_rejected_and_nothing_is_written(string key)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptIn(key).Build()));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetHistoryAsync(key));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetPreferencesAsync(key, Chosen));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ChangeEmailAsync(Link(key, Dina, T0)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.RecordInboundAsync(key, T0));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetNextSendAtAsync(key, null, T0));

        foreach (var status in Enum.GetValues<ConsentStatus>())
        {
            Assert.Equal(0, await store.CountAsync(status));
        }
    }

    [Theory]
    [InlineData("Dina@Example.org")]
    [InlineData(" dina@example.org")]
    [InlineData("no-at")]
    [InlineData("")]
    public async Task An_email_change_of_an_address_that_is_not_a_normalised_email_address_is_rejected_and_nothing_is_written(string address)
    {
        var store = await CreateStoreAsync();
        var before = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build())).Subscriber;

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ChangeEmailAsync(Link(TestPhones.Alice, address, T0.AddHours(1))));

        Assert.Equal(before, await store.GetAsync(TestPhones.Alice));
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Linking_an_address_to_a_phone_subscriber_is_an_email_change_that_keeps_the_status()
    {
        var store = await CreateStoreAsync();
        var before = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build())).Subscriber;
        Assert.True(await store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddDays(1)));
        var link = Link(TestPhones.Alice, Dina, T0.AddHours(1), DeliveryChannel.Both);

        var result = await store.ChangeEmailAsync(link);

        var evidence = LinkEvidence with { Email = Dina, EmailState = ConsentNames.EmailLinked };
        var expected = before with
        {
            Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice, Email = Dina },
            Preferences = new DeliveryPreferences { Channel = DeliveryChannel.Both },
            Source = ConsentSource.WebForm,
            Evidence = evidence,
            UpdatedAt = link.At,
            Version = 2,
            NextSendAt = link.At,
        };
        Assert.NotNull(result);
        Assert.True(result.Changed);
        Assert.Equal(ConsentStatus.OptedIn, result.PreviousStatus);
        Assert.Equal(expected, result.Subscriber);
        Assert.Equal(expected, await store.GetAsync(TestPhones.Alice));
        Assert.Null(expected.EmailConfirmedAt);
        Assert.False(expected.IsEmailConfirmed);
        Assert.Null(expected.DeliverableEmail);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal(2, history.Count);
        Assert.Equal(new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedIn, ConsentSource.WebForm, evidence, link.At), history[1]);
        Assert.True(history[1].IsEmailChange);
        Assert.False(history[1].IsPreferenceChange);
        Assert.False(history[0].IsEmailChange);
    }

    [Fact]
    public async Task Linking_the_address_already_linked_writes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var linked = await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1), DeliveryChannel.Fallback));

        var again = await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(2)));
        var sameChoice = await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(3), DeliveryChannel.Fallback));

        Assert.False(again?.Changed);
        Assert.False(sameChoice?.Changed);
        Assert.Equal(linked?.Subscriber, again?.Subscriber);
        Assert.Equal(linked?.Subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal(2, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task Confirming_the_linked_address_makes_it_deliverable_once()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1)));
        var confirm = Confirm(TestPhones.Alice, Dina, T0.AddHours(2));

        var confirmed = await store.ChangeEmailAsync(confirm);
        var again = await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(3)));

        Assert.True(confirmed?.Changed);
        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(confirmed?.Subscriber, subscriber);
        Assert.Equal((T0.AddHours(2), true, Dina, 3L), (subscriber!.EmailConfirmedAt, subscriber.IsEmailConfirmed, subscriber.DeliverableEmail, subscriber.Version));
        Assert.Equal(ConsentStatus.OptedIn, subscriber.Status);
        Assert.Equal(confirm.Evidence with { Email = Dina, EmailState = ConsentNames.EmailConfirmed }, subscriber.Evidence);
        Assert.False(again?.Changed);
        Assert.Equal(subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal(
            [null, ConsentNames.EmailLinked, ConsentNames.EmailConfirmed],
            (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => entry.Evidence.EmailState));
    }

    [Fact]
    public async Task Confirming_an_address_that_is_no_longer_linked_writes_nothing_and_a_new_address_starts_unconfirmed()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1)));
        await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(2)));
        var relinked = await store.ChangeEmailAsync(Link(TestPhones.Alice, Eli, T0.AddHours(3)));

        var stale = await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(4)));

        Assert.Equal(Eli, relinked?.Subscriber.Addresses.Email);
        Assert.Null(relinked?.Subscriber.EmailConfirmedAt);
        Assert.False(stale?.Changed);
        Assert.Equal(relinked?.Subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal(4, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task An_undeliverable_address_is_not_deliverable_until_it_is_linked_again()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1)));
        await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(2)));

        var refused = await store.ChangeEmailAsync(Undeliverable(TestPhones.Alice, Dina, T0.AddHours(3)));
        var again = await store.ChangeEmailAsync(Undeliverable(TestPhones.Alice, Dina, T0.AddHours(4)));
        var refusedStored = await store.GetAsync(TestPhones.Alice);
        var relinked = await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(5)));

        Assert.True(refused?.Changed);
        Assert.Equal(refused?.Subscriber, refusedStored);
        Assert.Equal((T0.AddHours(3), true, (string?)null), (refusedStored!.EmailUndeliverableAt, refusedStored.IsEmailConfirmed, refusedStored.DeliverableEmail));
        Assert.Equal((ConsentSource.Delivery, ConsentNames.EmailUndeliverable), (refusedStored.Source, refusedStored.Evidence.EmailState));
        Assert.False(again?.Changed);
        Assert.True(relinked?.Changed);
        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(relinked?.Subscriber, subscriber);
        Assert.Equal((null, T0.AddHours(2), Dina, 5L), (subscriber!.EmailUndeliverableAt, subscriber.EmailConfirmedAt, subscriber.DeliverableEmail, subscriber.Version));
    }

    [Fact]
    public async Task Removing_the_address_clears_it_its_confirmation_and_the_channel_choice()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.SetPreferencesAsync(TestPhones.Alice, Chosen, T0.AddMinutes(1));
        await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1), DeliveryChannel.Email));
        await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(2)));
        await store.ChangeEmailAsync(Undeliverable(TestPhones.Alice, Dina, T0.AddHours(3)));

        var removed = await store.ChangeEmailAsync(Remove(TestPhones.Alice, Dina, T0.AddHours(4)));
        var again = await store.ChangeEmailAsync(Remove(TestPhones.Alice, Dina, T0.AddHours(5)));

        Assert.True(removed?.Changed);
        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(removed?.Subscriber, subscriber);
        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice }, subscriber!.Addresses);
        Assert.Null(subscriber.EmailConfirmedAt);
        Assert.Null(subscriber.EmailUndeliverableAt);
        Assert.Equal(Chosen, subscriber.Preferences);
        Assert.Equal(DeliveryChannel.WhatsApp, subscriber.EffectiveChannel);
        Assert.Equal((ConsentStatus.OptedIn, 6L, ConsentNames.EmailRemoved), (subscriber.Status, subscriber.Version, subscriber.Evidence.EmailState));
        Assert.False(again?.Changed);
        Assert.Equal(6, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task An_email_only_subscriber_is_confirmed_by_its_opt_in_and_its_address_can_be_marked_undeliverable()
    {
        var store = await CreateStoreAsync();
        var joined = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(DinaKey).At(T0).Build())).Subscriber;

        var confirm = await store.ChangeEmailAsync(Confirm(DinaKey, Dina, T0.AddHours(1)));
        var remove = await store.ChangeEmailAsync(Remove(DinaKey, Dina, T0.AddHours(1)));
        var refused = await store.ChangeEmailAsync(Undeliverable(DinaKey, Dina, T0.AddHours(2)));
        var listed = (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items;
        var optedOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(DinaKey).At(T0.AddHours(3)).Build());

        Assert.False(confirm?.Changed);
        Assert.False(remove?.Changed);
        Assert.Equal(joined, confirm?.Subscriber);
        Assert.True(refused?.Changed);
        Assert.Equal((T0.AddHours(2), (string?)null, 2L), (refused!.Subscriber.EmailUndeliverableAt, refused.Subscriber.DeliverableEmail, refused.Subscriber.Version));
        Assert.Equal([refused.Subscriber], listed);
        Assert.Equal(T0.AddHours(2), optedOut.Subscriber.EmailUndeliverableAt);
        Assert.Equal(new SubscriberAddresses { Email = Dina }, (await store.GetAsync(DinaKey))?.Addresses);
    }

    [Fact]
    public async Task An_email_change_of_an_unknown_key_returns_null_and_records_nothing()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0)));
        Assert.Null(await store.ChangeEmailAsync(Undeliverable(DinaKey, Dina, T0)));

        Assert.Null(await store.GetAsync(TestPhones.Alice));
        Assert.Null(await store.GetAsync(DinaKey));
        Assert.Empty(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Empty(await store.GetHistoryAsync(DinaKey));
        foreach (var status in Enum.GetValues<ConsentStatus>())
        {
            Assert.Equal(0, await store.CountAsync(status));
        }
    }

    [Fact]
    public async Task Email_changes_keep_the_inbound_time_the_delivery_state_and_the_other_preferences()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.SetPreferencesAsync(TestPhones.Alice, Chosen, T0.AddMinutes(1));
        await store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddMinutes(2)));
        Assert.True(await store.RecordInboundAsync(TestPhones.Alice, Inbound));

        var linked = await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1), DeliveryChannel.Fallback));
        var confirmed = await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(2)));

        foreach (var subscriber in new[] { linked?.Subscriber, confirmed?.Subscriber, await store.GetAsync(TestPhones.Alice) })
        {
            Assert.NotNull(subscriber);
            Assert.Equal(Chosen with { Channel = DeliveryChannel.Fallback }, subscriber.Preferences);
            Assert.Equal(Inbound, subscriber.LastInboundAt);
            Assert.Equal((T0.AddMinutes(2), "63024"), (subscriber.UnreachableSince, subscriber.UnreachableErrorCode));
        }
    }

    [Fact]
    public async Task Consent_preference_delivery_state_and_inbound_changes_keep_the_email_state()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.ChangeEmailAsync(Link(TestPhones.Alice, Dina, T0.AddHours(1)));
        await store.ChangeEmailAsync(Confirm(TestPhones.Alice, Dina, T0.AddHours(2)));
        await store.ChangeEmailAsync(Undeliverable(TestPhones.Alice, Dina, T0.AddHours(3)));

        var after = new List<Subscriber?>
        {
            await store.SetPreferencesAsync(TestPhones.Alice, Chosen, T0.AddHours(4)),
            (await store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddHours(5))))?.Subscriber,
            (await store.RecordReachabilityAsync(Reachable(TestPhones.Alice, T0.AddHours(6))))?.Subscriber,
            (await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddHours(7)).Build())).Subscriber,
            (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0.AddHours(8)).Build())).Subscriber,
        };
        Assert.True(await store.RecordInboundAsync(TestPhones.Alice, T0.AddHours(9)));
        after.Add(await store.GetAsync(TestPhones.Alice));

        Assert.All(after, subscriber =>
        {
            Assert.NotNull(subscriber);
            Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice, Email = Dina }, subscriber.Addresses);
            Assert.Equal((T0.AddHours(2), T0.AddHours(3)), (subscriber.EmailConfirmedAt, subscriber.EmailUndeliverableAt));
        });
        Assert.Equal(9, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Theory]
    [InlineData(DeliveryChannel.WhatsApp, "whatsapp")]
    [InlineData(DeliveryChannel.Email, "email")]
    [InlineData(DeliveryChannel.Both, "both")]
    [InlineData(DeliveryChannel.Fallback, "fallback")]
    public async Task The_channel_choice_round_trips_as_a_preference(DeliveryChannel channel, string name)
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var preferences = Chosen with { Channel = channel };

        var updated = await store.SetPreferencesAsync(TestPhones.Alice, preferences);

        Assert.Equal(preferences, updated?.Preferences);
        Assert.Equal(preferences, (await store.GetAsync(TestPhones.Alice))?.Preferences);
        Assert.Equal(preferences, (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items.Single().Preferences);
        Assert.EndsWith("; channel=" + name, (await store.GetHistoryAsync(TestPhones.Alice))[^1].Evidence.Preferences);
    }

    [Fact]
    public async Task Email_consent_and_preference_changes_of_one_subscriber_at_once_are_applied_one_after_another()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var changes = Enumerable.Range(0, 16).Select<int, Func<Task>>(i => (i % 4) switch
        {
            0 => () => store.ChangeEmailAsync(Link(TestPhones.Alice, $"a{i}@example.org", T0.AddMinutes(i))),
            1 => () => store.ChangeEmailAsync(Confirm(TestPhones.Alice, "a0@example.org", T0.AddMinutes(i))),
            2 => () => store.RecordConsentAsync(ConsentChangeBuilder.To(TestPhones.Alice, i % 8 == 2 ? ConsentStatus.OptedOut : ConsentStatus.OptedIn).At(T0.AddMinutes(i)).Build()),
            _ => () => store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { SendTime = new TimeOnly(6, i) }, T0.AddMinutes(i)),
        });

        await Task.WhenAll(changes.Select(change => Task.Run(change)));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.NotNull(subscriber);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(version => (long)version), history.Select(entry => entry.Version));
        Assert.Equal(subscriber.Version, history.Count);
        Assert.Equal((subscriber.Status, subscriber.Source, subscriber.Evidence, subscriber.UpdatedAt), (history[^1].Status, history[^1].Source, history[^1].Evidence, history[^1].RecordedAt));

        // Each distinct address and each distinct send time writes one entry; the latest of each is what is stored.
        var links = history.Where(entry => entry.Evidence.EmailState == ConsentNames.EmailLinked).ToList();
        var preferenceChanges = history.Where(entry => entry.IsPreferenceChange).ToList();
        Assert.Equal(4, links.Count);
        Assert.Equal(4, preferenceChanges.Count);
        Assert.True(history.Count(entry => entry.Evidence.EmailState == ConsentNames.EmailConfirmed) <= 1);
        Assert.Equal(links[^1].Evidence.Email, subscriber.Addresses.Email);
        Assert.Equal(PreferenceNames.Describe(subscriber.Preferences), preferenceChanges[^1].Evidence.Preferences);
        Assert.Equal(history.Last(entry => entry.IsEmailChange).Evidence.EmailState == ConsentNames.EmailConfirmed, subscriber.IsEmailConfirmed);
        Assert.Equal(history.Last(entry => !entry.IsEmailChange && !entry.IsPreferenceChange).Status, subscriber.Status);
    }

    private static EmailChange Link(string key, string address, DateTimeOffset at, DeliveryChannel? channel = null) =>
        new(key, EmailChangeKind.Link, address, ConsentSource.WebForm, LinkEvidence, at, channel);

    private static EmailChange Confirm(string key, string address, DateTimeOffset at) =>
        new(key, EmailChangeKind.Confirm, address, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "198.51.100.4", UserAgent: "Mozilla/5.0"), at);

    private static EmailChange Undeliverable(string key, string address, DateTimeOffset at) =>
        new(key, EmailChangeKind.Undeliverable, address, ConsentSource.Delivery, new ConsentEvidence(Actor: "smtp", Note: "550 5.1.1 user unknown"), at);

    private static EmailChange Remove(string key, string address, DateTimeOffset at) =>
        new(key, EmailChangeKind.Remove, address, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "198.51.100.4", UserAgent: "Mozilla/5.0"), at);
}
