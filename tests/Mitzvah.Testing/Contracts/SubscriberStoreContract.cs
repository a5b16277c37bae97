using System.Globalization;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Testing.Contracts;

/// <summary>
/// The behaviour every <see cref="ISubscriberStore"/> must have. Derive one test class per store and implement
/// <see cref="CreateStoreAsync"/>; the cases here run against it.
/// </summary>
public abstract partial class SubscriberStoreContract
{
    private static readonly DateTimeOffset T0 = ConsentChangeBuilder.DefaultAt;

    private static readonly DeliveryPreferences Chosen = new()
    {
        TimeZone = "Asia/Jerusalem",
        SendTime = new TimeOnly(6, 45),
        Calendar = FestivalCalendar.Israel,
        PausedUntil = new DateOnly(2025, 4, 21),
    };

    /// <summary>Returns a new, empty store. Called once per test.</summary>
    protected abstract Task<ISubscriberStore> CreateStoreAsync();

    [Fact]
    public async Task Kind_names_the_store()
    {
        var store = await CreateStoreAsync();

        Assert.False(string.IsNullOrWhiteSpace(store.Kind));
    }

    [Fact]
    public async Task Unknown_number_has_no_subscriber_and_no_history()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.GetAsync(TestPhones.Alice));
        Assert.Empty(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task First_opt_in_creates_the_subscriber_at_version_1()
    {
        var store = await CreateStoreAsync();
        var change = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").Build();

        var result = await store.RecordConsentAsync(change);

        var expected = new Subscriber
        {
            Phone = TestPhones.Alice,
            Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
            Channel = "whatsapp",
            Status = ConsentStatus.OptedIn,
            Purpose = "daily_mitzvot",
            Source = ConsentSource.WhatsAppKeyword,
            Evidence = change.Evidence,
            CreatedAt = change.At,
            UpdatedAt = change.At,
            Version = 1,
            Preferences = new DeliveryPreferences { TimeZone = null, SendTime = null, Calendar = null, PausedUntil = null },
            NextSendAt = change.At,
        };
        Assert.True(result.Changed);
        Assert.Null(result.PreviousStatus);
        Assert.Equal(expected, result.Subscriber);
        Assert.Equal(expected, await store.GetAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task First_change_appends_one_history_entry_that_matches_the_subscriber()
    {
        var store = await CreateStoreAsync();
        var change = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();

        await store.RecordConsentAsync(change);

        var entry = Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal(
            new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, change.Evidence, change.At),
            entry);
    }

    [Fact]
    public async Task Recording_the_current_status_again_writes_nothing()
    {
        var store = await CreateStoreAsync();
        var first = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").At(T0).Build();
        var created = (await store.RecordConsentAsync(first)).Subscriber;

        var repeat = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWebForm("v2", "198.51.100.4", "curl/8.5.0").At(T0.AddHours(1)).Build();
        var result = await store.RecordConsentAsync(repeat);

        Assert.False(result.Changed);
        Assert.Equal(ConsentStatus.OptedIn, result.PreviousStatus);
        Assert.Equal(created, result.Subscriber);
        var stored = await store.GetAsync(TestPhones.Alice);
        Assert.Equal(created, stored);
        Assert.Equal(1, stored!.Version);
        Assert.Equal(first.At, stored.UpdatedAt);
        Assert.Equal(first.Evidence, stored.Evidence);
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Repeated_opt_out_writes_nothing_after_earlier_changes()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddDays(1)).Build());

        var result = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).ByAdmin("ops").At(T0.AddDays(2)).Build());

        Assert.False(result.Changed);
        Assert.Equal(ConsentStatus.OptedOut, result.PreviousStatus);
        Assert.Equal(optOut.Subscriber, result.Subscriber);
        Assert.Equal(optOut.Subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal(2, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task Opt_out_then_opt_in_makes_versions_1_2_3_with_history_oldest_first()
    {
        var store = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWebForm("2025-01", "203.0.113.7", "Mozilla/5.0").At(T0).Build();
        var optOut = ConsentChangeBuilder.OptOut(TestPhones.Alice).ViaWhatsApp("STOP").At(T0.AddDays(3)).Build();
        var optInAgain = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").At(T0.AddDays(10)).Build();

        var first = await store.RecordConsentAsync(optIn);
        var second = await store.RecordConsentAsync(optOut);
        var third = await store.RecordConsentAsync(optInAgain);

        Assert.Equal([1L, 2L, 3L], [first.Subscriber.Version, second.Subscriber.Version, third.Subscriber.Version]);
        Assert.True(first.Changed && second.Changed && third.Changed);
        Assert.Equal([null, ConsentStatus.OptedIn, ConsentStatus.OptedOut], new ConsentStatus?[] { first.PreviousStatus, second.PreviousStatus, third.PreviousStatus });

        var expected = new Subscriber
        {
            Phone = TestPhones.Alice,
            Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
            Channel = "whatsapp",
            Status = ConsentStatus.OptedIn,
            Purpose = "daily_mitzvot",
            Source = ConsentSource.WhatsAppKeyword,
            Evidence = optInAgain.Evidence,
            CreatedAt = optIn.At,
            UpdatedAt = optInAgain.At,
            Version = 3,
            NextSendAt = optInAgain.At,
        };
        Assert.Equal(expected, third.Subscriber);
        Assert.Equal(expected, await store.GetAsync(TestPhones.Alice));

        Assert.Equal(
            [
                new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, ConsentSource.WebForm, optIn.Evidence, optIn.At),
                new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, optOut.Evidence, optOut.At),
                new ConsentHistoryEntry(TestPhones.Alice, 3, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, optInAgain.Evidence, optInAgain.At),
            ],
            await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Changes_of_one_number_leave_other_numbers_alone()
    {
        var store = await CreateStoreAsync();
        var bob = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).Build())).Subscriber;

        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddMinutes(1)).Build());

        Assert.Equal(bob, await store.GetAsync(TestPhones.Bob));
        Assert.Single(await store.GetHistoryAsync(TestPhones.Bob));
    }

    [Fact]
    public async Task Setting_preferences_of_an_unknown_number_returns_null_and_records_nothing()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.SetPreferencesAsync(TestPhones.Alice, Chosen));

        Assert.Null(await store.GetAsync(TestPhones.Alice));
        Assert.Empty(await store.GetHistoryAsync(TestPhones.Alice));
        foreach (var status in Enum.GetValues<ConsentStatus>())
        {
            Assert.Equal(0, await store.CountAsync(status));
        }
    }

    [Fact]
    public async Task Setting_preferences_stores_every_choice_as_a_preference_change_that_keeps_the_status()
    {
        var store = await CreateStoreAsync();
        var change = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").Build();
        var created = (await store.RecordConsentAsync(change)).Subscriber;
        var preferenceChange = new PreferenceChange(
            TestPhones.Alice, Chosen, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "ZONE Jerusalem", MessageId: "SM42"), T0.AddHours(2));

        var result = await store.SetPreferencesAsync(preferenceChange);

        var evidence = new ConsentEvidence(
            Keyword: "ZONE Jerusalem", MessageId: "SM42", Preferences: "zone=Asia/Jerusalem; time=06:45; calendar=israel; paused_until=2025-04-21");
        var expected = created with
        {
            Preferences = Chosen,
            Source = ConsentSource.WhatsAppKeyword,
            Evidence = evidence,
            UpdatedAt = preferenceChange.At,
            Version = 2,
            NextSendAt = preferenceChange.At,
        };
        Assert.NotNull(result);
        Assert.True(result.Changed);
        Assert.Equal(ConsentStatus.OptedIn, result.PreviousStatus);
        Assert.Equal(expected, result.Subscriber);
        Assert.Equal(expected, await store.GetAsync(TestPhones.Alice));
        Assert.Equal([expected], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal(2, history.Count);
        Assert.Equal(
            new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, evidence, preferenceChange.At),
            history[1]);
        Assert.True(history[1].IsPreferenceChange);
        Assert.False(history[0].IsPreferenceChange);
        Assert.Equal(1, await store.CountAsync(ConsentStatus.OptedIn));
    }

    [Fact]
    public async Task Setting_the_preferences_already_stored_writes_nothing()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var first = await store.SetPreferencesAsync(TestPhones.Alice, Chosen);

        var repeat = await store.SetPreferencesAsync(PreferenceChanges.ByAdmin(TestPhones.Alice, Chosen, T0.AddDays(5)));

        Assert.NotNull(repeat);
        Assert.False(repeat.Changed);
        Assert.Equal(first, repeat.Subscriber);
        Assert.Equal(first, await store.GetAsync(TestPhones.Alice));
        Assert.Equal(2, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task A_new_number_starts_with_the_changes_preferences_and_a_known_one_keeps_its_own()
    {
        var store = await CreateStoreAsync();
        var joinDefaults = new DeliveryPreferences { TimeZone = "Asia/Jerusalem", Calendar = FestivalCalendar.Israel };

        var joined = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build() with { Preferences = joinDefaults });
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddDays(1)).Build());
        var rejoined = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0.AddDays(2)).Build() with { Preferences = Chosen });

        Assert.Equal(joinDefaults, joined.Subscriber.Preferences);
        Assert.Equal(joinDefaults, rejoined.Subscriber.Preferences);
        Assert.Equal(joinDefaults, (await store.GetAsync(TestPhones.Alice))?.Preferences);
        Assert.All(await store.GetHistoryAsync(TestPhones.Alice), entry => Assert.False(entry.IsPreferenceChange));
    }

    [Theory]
    [InlineData("UTC", 0, 0, FestivalCalendar.Diaspora, "0001-01-01")]
    [InlineData("America/Argentina/Buenos_Aires", 23, 59, FestivalCalendar.Israel, "9999-12-31")]
    [InlineData("Etc/GMT+12", 12, 30, null, null)]
    [InlineData(null, null, null, FestivalCalendar.Israel, "2024-02-29")]
    public async Task Preferences_round_trip_exactly(string? zone, int? hour, int? minute, FestivalCalendar? calendar, string? pausedUntil)
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var preferences = new DeliveryPreferences
        {
            TimeZone = zone,
            SendTime = hour is null ? null : new TimeOnly(hour.Value, minute!.Value),
            Calendar = calendar,
            PausedUntil = pausedUntil is null ? null : DateOnly.Parse(pausedUntil, CultureInfo.InvariantCulture),
        };

        var updated = await store.SetPreferencesAsync(TestPhones.Alice, preferences);

        Assert.Equal(preferences, updated?.Preferences);
        Assert.Equal(preferences, (await store.GetAsync(TestPhones.Alice))?.Preferences);
    }

    [Fact]
    public async Task Setting_preferences_replaces_them_and_an_unset_one_goes_back_to_the_operators_default()
    {
        var store = await CreateStoreAsync();
        var created = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build())).Subscriber;
        await store.SetPreferencesAsync(TestPhones.Alice, Chosen);

        var narrowed = await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { SendTime = new TimeOnly(8, 0) });
        var narrowedStored = await store.GetAsync(TestPhones.Alice);
        var cleared = await store.SetPreferencesAsync(TestPhones.Alice, DeliveryPreferences.OperatorDefaults);

        Assert.Equal(new DeliveryPreferences { SendTime = new TimeOnly(8, 0) }, narrowed?.Preferences);
        Assert.Equal(narrowed, narrowedStored);
        Assert.Equal(created.Preferences, cleared?.Preferences);
        Assert.Equal(4, cleared?.Version);
        Assert.Equal(cleared, await store.GetAsync(TestPhones.Alice));
        Assert.Equal([false, true, true, true], (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => entry.IsPreferenceChange));
    }

    [Fact]
    public async Task Consent_changes_keep_the_preferences()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await store.SetPreferencesAsync(TestPhones.Alice, Chosen);

        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddDays(1)).Build());
        var repeat = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).ByAdmin("ops").At(T0.AddDays(2)).Build());

        Assert.True(optOut.Changed);
        Assert.Equal(Chosen, optOut.Subscriber.Preferences);
        Assert.Equal(3, optOut.Subscriber.Version);
        Assert.False(repeat.Changed);
        Assert.Equal(optOut.Subscriber, repeat.Subscriber);
        Assert.Equal(optOut.Subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal([Chosen], (await store.ListAsync(ConsentStatus.OptedOut, null, 10)).Items.Select(subscriber => subscriber.Preferences));
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedIn, ConsentStatus.OptedOut], (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => entry.Status));
    }

    [Theory]
    [InlineData("time zone")]
    [InlineData("send time")]
    [InlineData("calendar")]
    [InlineData("missing")]
    public async Task Invalid_preferences_are_rejected_and_nothing_is_written(string invalid)
    {
        var store = await CreateStoreAsync();
        var created = (await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build())).Subscriber;
        var preferences = invalid switch
        {
            "time zone" => Chosen with { TimeZone = "Mars/Olympus_Mons" },
            "send time" => Chosen with { SendTime = new TimeOnly(6, 45, 30) },
            "calendar" => Chosen with { Calendar = (FestivalCalendar)9 },
            _ => null,
        };

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetPreferencesAsync(TestPhones.Alice, preferences!));

        Assert.Equal(created, await store.GetAsync(TestPhones.Alice));
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Concurrent_preference_and_consent_changes_of_one_number_lose_neither()
    {
        var store = await CreateStoreAsync();
        var phones = Enumerable.Range(0, 4).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(T0).Build());
        }

        // Only one preference value is ever written, so a consent change that wrote back what it read before it would
        // leave the operator's defaults behind.
        var calls = phones.SelectMany(phone => Enumerable.Range(1, 16)
            .Select(i => (Func<Task>)(() => store.RecordConsentAsync(
                ConsentChangeBuilder.To(phone, i % 2 == 1 ? ConsentStatus.OptedOut : ConsentStatus.OptedIn).At(T0.AddSeconds(i)).Build())))
            .Concat(Enumerable.Range(0, 4).Select(_ => (Func<Task>)(() => store.SetPreferencesAsync(phone, Chosen)))))
            .ToArray();
        new Random(4321).Shuffle(calls);

        await Task.WhenAll(calls.Select(call => Task.Run(call)));

        foreach (var phone in phones)
        {
            var subscriber = await store.GetAsync(phone);
            var history = await store.GetHistoryAsync(phone);
            Assert.NotNull(subscriber);
            Assert.Equal(Chosen, subscriber.Preferences);
            Assert.Equal(history.Count, subscriber.Version);
            Assert.Equal(history[^1].Status, subscriber.Status);
            Assert.Equal(history[^1].Evidence, subscriber.Evidence);
            Assert.Equal(history[^1].RecordedAt, subscriber.UpdatedAt);
        }
    }

    [Theory]
    [InlineData(ConsentSource.WhatsAppKeyword)]
    [InlineData(ConsentSource.WebForm)]
    [InlineData(ConsentSource.Admin)]
    [InlineData(ConsentSource.Delivery)]
    public async Task Evidence_round_trips_exactly_for_each_source(ConsentSource source)
    {
        var store = await CreateStoreAsync();
        var builder = source switch
        {
            // Text as received: case, surrounding blanks and non-ASCII characters are kept.
            ConsentSource.WhatsAppKeyword => ConsentChangeBuilder.OptIn(TestPhones.Alice)
                .ViaWhatsApp("  Start 🙏 ", "SM0123456789abcdef0123456789abcdef", "whatsapp:+14155238886"),
            ConsentSource.WebForm => ConsentChangeBuilder.OptIn(TestPhones.Alice)
                .ViaWebForm("2025-06-01", "2001:db8::1", "Mozilla/5.0 (X11; Linux x86_64) \"Chrome\"/126.0 ✡ <b>&amp;</b> \\ 'x'"),
            ConsentSource.Admin => ConsentChangeBuilder.OptOut(TestPhones.Alice)
                .ByAdmin("ops@example.org", "asked by phone call; ticket #42"),
            ConsentSource.Delivery => ConsentChangeBuilder.To(TestPhones.Alice, ConsentStatus.Invalid)
                .FromDelivery("Twilio error 63024: invalid recipient"),
            _ => throw new ArgumentOutOfRangeException(nameof(source)),
        };
        var change = builder.Build();

        await store.RecordConsentAsync(change);

        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.NotNull(subscriber);
        Assert.Equal(change.Status, subscriber.Status);
        Assert.Equal(source, subscriber.Source);
        Assert.Equal(change.Evidence, subscriber.Evidence);
        var entry = Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal(source, entry.Source);
        Assert.Equal(change.Evidence, entry.Evidence);
    }

    [Theory]
    [InlineData("2025-03-01T14:30:15.1234567+00:00")]
    [InlineData("2099-12-31T23:59:59.9990000+00:00")]
    [InlineData("2024-02-29T00:00:00.0004999+00:00")]
    [InlineData("2025-03-01T20:00:15.1230000+05:30")]
    [InlineData("2025-11-02T01:30:00.0010000-06:00")]
    public async Task Timestamps_keep_their_instant_to_the_millisecond(string at)
    {
        var store = await CreateStoreAsync();
        var created = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
        var updated = created.AddDays(1).AddTicks(1234);

        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(created).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(updated).Build());

        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.NotNull(subscriber);
        Assert.Equal(ToUtcMilliseconds(created), ToUtcMilliseconds(subscriber.CreatedAt));
        Assert.Equal(ToUtcMilliseconds(updated), ToUtcMilliseconds(subscriber.UpdatedAt));
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([ToUtcMilliseconds(created), ToUtcMilliseconds(updated)], history.Select(entry => ToUtcMilliseconds(entry.RecordedAt)));
    }

    [Fact]
    public async Task List_returns_current_subscribers_with_the_requested_status_only()
    {
        var store = await CreateStoreAsync();
        await SeedAsync(store, optedIn: 3, optedOut: 2, invalid: 1);

        foreach (var status in Enum.GetValues<ConsentStatus>())
        {
            var page = await store.ListAsync(status, continuationToken: null, pageSize: 100);

            Assert.Null(page.ContinuationToken);
            Assert.All(page.Items, subscriber => Assert.Equal(status, subscriber.Status));
            foreach (var subscriber in page.Items)
            {
                // Listed subscribers are complete, not projections.
                Assert.Equal(await store.GetAsync(subscriber.Phone), subscriber);
            }
        }

        var optedIn = await store.ListAsync(ConsentStatus.OptedIn, null, 100);
        var optedOut = await store.ListAsync(ConsentStatus.OptedOut, null, 100);
        var invalid = await store.ListAsync(ConsentStatus.Invalid, null, 100);
        Assert.Equal(3, optedIn.Items.Count);
        Assert.Equal(2, optedOut.Items.Count);
        Assert.Single(invalid.Items);
        Assert.Equal(6, optedIn.Items.Concat(optedOut.Items).Concat(invalid.Items).Select(s => s.Phone).Distinct().Count());
    }

    [Fact]
    public async Task List_of_an_empty_store_is_one_empty_page()
    {
        var store = await CreateStoreAsync();

        var page = await store.ListAsync(ConsentStatus.OptedIn, null, 500);

        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task List_pages_through_1234_subscribers_in_three_stable_pages_without_duplicates_or_gaps()
    {
        var store = await CreateStoreAsync();
        var expected = await SeedAsync(store, optedIn: 1234, optedOut: 300, invalid: 66);

        var pages = await ListAllPagesAsync(store, ConsentStatus.OptedIn, pageSize: 500);

        Assert.Equal([500, 500, 234], pages.Select(page => page.Items.Count));
        Assert.NotNull(pages[0].ContinuationToken);
        Assert.NotNull(pages[1].ContinuationToken);
        Assert.Null(pages[2].ContinuationToken);
        var listed = pages.SelectMany(page => page.Items).Select(subscriber => subscriber.Phone).ToList();
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Equal(expected[ConsentStatus.OptedIn].Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));

        var again = await ListAllPagesAsync(store, ConsentStatus.OptedIn, pageSize: 500);
        Assert.Equal(listed, again.SelectMany(page => page.Items).Select(subscriber => subscriber.Phone));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1000)]
    public async Task List_accepts_page_sizes_from_1_to_1000(int pageSize)
    {
        var store = await CreateStoreAsync();
        var expected = await SeedAsync(store, optedIn: 5, optedOut: 2, invalid: 0);

        var pages = await ListAllPagesAsync(store, ConsentStatus.OptedIn, pageSize);

        Assert.All(pages, page => Assert.InRange(page.Items.Count, 0, pageSize));
        var listed = pages.SelectMany(page => page.Items).Select(subscriber => subscriber.Phone).ToList();
        Assert.Equal(expected[ConsentStatus.OptedIn].Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public async Task List_rejects_page_sizes_outside_1_to_1000(int pageSize)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(ConsentStatus.OptedIn, null, pageSize));
    }

    [Theory]
    [InlineData("not a token")]
    [InlineData("%%%")]
    [InlineData("Zm9v")]
    [InlineData("{\"phone\":1}")]
    public async Task List_rejects_a_continuation_token_it_did_not_issue(string token)
    {
        var store = await CreateStoreAsync();
        await SeedAsync(store, optedIn: 3, optedOut: 0, invalid: 0);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ListAsync(ConsentStatus.OptedIn, token, 2));
    }

    [Fact]
    public async Task Count_counts_current_subscribers_per_status()
    {
        var store = await CreateStoreAsync();
        Assert.Equal(0, await store.CountAsync(ConsentStatus.OptedIn));

        await SeedAsync(store, optedIn: 7, optedOut: 4, invalid: 2);

        Assert.Equal(7, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(4, await store.CountAsync(ConsentStatus.OptedOut));
        Assert.Equal(2, await store.CountAsync(ConsentStatus.Invalid));
    }

    [Fact]
    public async Task Stream_yields_every_subscriber_with_the_status_once()
    {
        var store = await CreateStoreAsync();
        var expected = await SeedAsync(store, optedIn: 25, optedOut: 5, invalid: 0);

        var streamed = new List<string>();
        await foreach (var subscriber in store.StreamAsync(ConsentStatus.OptedIn, pageSize: 7))
        {
            streamed.Add(subscriber.Phone);
        }

        Assert.Equal(expected[ConsentStatus.OptedIn].Order(StringComparer.Ordinal), streamed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Concurrent_changes_of_one_number_are_applied_one_after_another()
    {
        var store = await CreateStoreAsync();
        const int Calls = 32;
        var changes = Enumerable.Range(0, Calls)
            .Select(i => (i % 2 == 0 ? ConsentChangeBuilder.OptIn(TestPhones.Alice) : ConsentChangeBuilder.OptOut(TestPhones.Alice))
                .ViaWhatsApp(i % 2 == 0 ? "START" : "STOP", $"SM{i:D32}")
                .At(T0.AddSeconds(i))
                .Build())
            .ToList();

        var results = await Task.WhenAll(changes.Select(change => Task.Run(() => store.RecordConsentAsync(change))));

        var applied = results.Where(result => result.Changed).ToList();
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.NotNull(subscriber);
        Assert.NotEmpty(applied);
        Assert.Equal(Enumerable.Range(1, applied.Count).Select(v => (long)v), history.Select(entry => entry.Version));
        Assert.Equal(applied.Count, subscriber.Version);
        Assert.Equal(history[^1].Status, subscriber.Status);
        Assert.Equal(history[^1].Evidence, subscriber.Evidence);
        Assert.Equal(history[^1].Source, subscriber.Source);

        // Each applied change produced the history entry of its version, and consecutive entries differ in status.
        Assert.Equal(Enumerable.Range(1, applied.Count).Select(v => (long)v), applied.Select(result => result.Subscriber.Version).Order());
        foreach (var result in applied)
        {
            var entry = history[(int)result.Subscriber.Version - 1];
            Assert.Equal(result.Subscriber.Status, entry.Status);
            Assert.Equal(result.Subscriber.Evidence, entry.Evidence);
            Assert.NotEqual(result.Subscriber.Status, result.PreviousStatus);
        }

        for (var i = 1; i < history.Count; i++)
        {
            Assert.NotEqual(history[i - 1].Status, history[i].Status);
        }

        Assert.All(results.Where(result => !result.Changed), result => Assert.Equal(result.PreviousStatus, result.Subscriber.Status));
    }

    [Fact]
    public async Task Concurrent_changes_of_many_numbers_all_land()
    {
        var store = await CreateStoreAsync();
        var phones = Enumerable.Range(0, 40).Select(TestPhones.Numbered).ToList();

        await Task.WhenAll(phones.Select(phone => Task.Run(async () =>
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(T0).Build());
            await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(phone).At(T0.AddMinutes(1)).Build());
        })));

        Assert.Equal(0, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(phones.Count, await store.CountAsync(ConsentStatus.OptedOut));
        foreach (var phone in phones)
        {
            var subscriber = await store.GetAsync(phone);
            Assert.NotNull(subscriber);
            Assert.Equal(2, subscriber.Version);
            Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut], (await store.GetHistoryAsync(phone)).Select(entry => entry.Status));
        }
    }

    [Theory]
    [InlineData("+1234567")]
    [InlineData("+123456789012345")]
    [InlineData("+972501234567")]
    public async Task Numbers_of_every_valid_E164_length_are_accepted(string phone)
    {
        var store = await CreateStoreAsync();

        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());

        Assert.Equal(phone, (await store.GetAsync(phone))?.Phone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("15551234567")]
    [InlineData("+05551234567")]
    [InlineData("+123456")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 555 123 4567")]
    [InlineData(" +15551234567")]
    [InlineData("+15551234567\n")]
    [InlineData("whatsapp:+15551234567")]
    [InlineData("+1555\u0661\u0662\u0663\u0664\u0665\u0666\u0667")]
    public async Task Numbers_that_are_not_E164_are_rejected_and_nothing_is_written(string phone)
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build()));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.GetAsync(phone));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SetPreferencesAsync(phone, Chosen));

        foreach (var status in Enum.GetValues<ConsentStatus>())
        {
            Assert.Equal(0, await store.CountAsync(status));
        }
    }

    private static DateTimeOffset ToUtcMilliseconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>
    /// Records numbered subscribers with interleaved statuses; some reach theirs through an earlier opposite change,
    /// so that listing must use the current status, not the history.
    /// </summary>
    private static async Task<Dictionary<ConsentStatus, List<string>>> SeedAsync(ISubscriberStore store, int optedIn, int optedOut, int invalid)
    {
        var statuses = new List<ConsentStatus>();
        statuses.AddRange(Enumerable.Repeat(ConsentStatus.OptedIn, optedIn));
        statuses.AddRange(Enumerable.Repeat(ConsentStatus.OptedOut, optedOut));
        statuses.AddRange(Enumerable.Repeat(ConsentStatus.Invalid, invalid));

        // A fixed shuffle interleaves the statuses in phone order.
        var shuffled = statuses.ToArray();
        new Random(1234).Shuffle(shuffled);
        var assigned = shuffled.Select((status, i) => (Phone: TestPhones.Numbered(i), Status: status)).ToList();

        await Parallel.ForEachAsync(assigned, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, cancellationToken) =>
        {
            if (item.Status != ConsentStatus.OptedIn && item.Phone.EndsWith('7'))
            {
                await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(item.Phone).At(T0.AddMinutes(-1)).Build(), cancellationToken);
            }

            await store.RecordConsentAsync(ConsentChangeBuilder.To(item.Phone, item.Status).ByAdmin("seed").At(T0).Build(), cancellationToken);
        });

        return Enum.GetValues<ConsentStatus>().ToDictionary(
            status => status,
            status => assigned.Where(item => item.Status == status).Select(item => item.Phone).ToList());
    }

    [Fact]
    public async Task A_web_opt_in_is_pending_listed_as_pending_and_never_as_a_recipient()
    {
        var store = await CreateStoreAsync();
        var change = ConsentChangeBuilder.To(TestPhones.Alice, ConsentStatus.Pending).ViaWebForm("2026-11-25", "203.0.113.7", "Mozilla/5.0").Build();

        var result = await store.RecordConsentAsync(change);

        Assert.True(result.Changed);
        Assert.Equal(ConsentStatus.Pending, result.Subscriber.Status);
        Assert.Equal(change.At + ConsentRules.PendingLifetime, (await store.GetAsync(TestPhones.Alice))?.PendingExpiresAt);
        Assert.Equal([TestPhones.Alice], (await store.ListAsync(ConsentStatus.Pending, null, 10)).Items.Select(subscriber => subscriber.Phone));
        Assert.Empty((await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal(0, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(1, await store.CountAsync(ConsentStatus.Pending));
        var entry = Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal((ConsentStatus.Pending, ConsentSource.WebForm, "203.0.113.7"), (entry.Status, entry.Source, entry.Evidence.IpAddress));
    }

    [Fact]
    public async Task A_pending_request_repeated_before_it_lapses_writes_nothing_and_after_it_is_a_fresh_request()
    {
        var store = await CreateStoreAsync();
        var first = ConsentChangeBuilder.To(TestPhones.Alice, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.7", "UA").Build();
        await store.RecordConsentAsync(first);

        var early = await store.RecordConsentAsync(first with { At = first.At + ConsentRules.PendingLifetime - TimeSpan.FromSeconds(1) });
        var late = await store.RecordConsentAsync(first with { At = first.At + ConsentRules.PendingLifetime });

        Assert.False(early.Changed);
        Assert.True(late.Changed);
        Assert.Equal(2, late.Subscriber.Version);
        Assert.Equal(first.At + (2 * ConsentRules.PendingLifetime), (await store.GetAsync(TestPhones.Alice))?.PendingExpiresAt);
        Assert.Equal([ConsentStatus.Pending, ConsentStatus.Pending], (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => entry.Status));
    }

    [Fact]
    public async Task A_pending_request_never_replaces_an_opt_in_and_an_opt_in_confirms_a_pending_number()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.To(TestPhones.Bob, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.7", "UA").Build());

        var kept = await store.RecordConsentAsync(ConsentChangeBuilder.To(TestPhones.Alice, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.7", "UA").At(T0.AddMinutes(1)).Build());
        var confirmed = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).ViaWhatsApp("JOIN MITZVAH").At(T0.AddMinutes(2)).Build());

        Assert.False(kept.Changed);
        Assert.Equal(ConsentStatus.OptedIn, (await store.GetAsync(TestPhones.Alice))?.Status);
        Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.True(confirmed.Changed);
        Assert.Equal(ConsentStatus.Pending, confirmed.PreviousStatus);
        Assert.Null(confirmed.Subscriber.PendingExpiresAt);
        Assert.Equal(
            [(ConsentStatus.Pending, ConsentSource.WebForm), (ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword)],
            (await store.GetHistoryAsync(TestPhones.Bob)).Select(entry => (entry.Status, entry.Source)));
        Assert.Equal([TestPhones.Alice, TestPhones.Bob], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items.Select(subscriber => subscriber.Phone));
    }

    [Fact]
    public async Task Marking_a_number_unreachable_keeps_its_status_and_leaves_it_out_of_the_recipients()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).Build());
        var mark = Unreachable(TestPhones.Alice, T0.AddDays(3));

        var result = await store.RecordReachabilityAsync(mark);

        Assert.True(result?.Changed);
        var alice = await store.GetAsync(TestPhones.Alice);
        Assert.NotNull(alice);
        Assert.Equal((ConsentStatus.OptedIn, 2L, mark.At, "63024"), (alice.Status, alice.Version, alice.UnreachableSince, alice.UnreachableErrorCode));
        Assert.Equal(alice, result?.Subscriber);
        Assert.Equal([TestPhones.Bob], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items.Select(subscriber => subscriber.Phone));
        Assert.Equal(1, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal([alice], (await store.ListUnreachableAsync(null, 10)).Items);
        var entry = (await store.GetHistoryAsync(TestPhones.Alice))[^1];
        Assert.True(entry.IsDeliveryStateChange);
        Assert.Equal((2L, ConsentStatus.OptedIn, ConsentSource.Delivery, "63024", mark.At), (entry.Version, entry.Status, entry.Source, entry.Evidence.ErrorCode, entry.RecordedAt));
        Assert.False((await store.GetHistoryAsync(TestPhones.Bob))[0].IsDeliveryStateChange);
    }

    [Fact]
    public async Task A_number_is_marked_once_never_unless_opted_in_and_never_when_unknown()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Bob).Build());

        var marks = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddHours(i + 1)))));
        var optedOut = await store.RecordReachabilityAsync(Unreachable(TestPhones.Bob, T0.AddHours(1)));
        var unknown = await store.RecordReachabilityAsync(Unreachable(TestPhones.Numbered(9), T0.AddHours(1)));

        Assert.Equal(1, marks.Count(result => result?.Changed == true));
        Assert.Equal(2, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
        Assert.False(optedOut?.Changed);
        Assert.False((await store.GetAsync(TestPhones.Bob))?.IsUnreachable);
        Assert.Null(unknown);
        Assert.Null(await store.GetAsync(TestPhones.Numbered(9)));
    }

    [Fact]
    public async Task Clearing_the_mark_puts_the_number_back_among_the_recipients_and_a_consent_change_keeps_it()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).Build());
        await store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddDays(1)));
        await store.RecordReachabilityAsync(Unreachable(TestPhones.Bob, T0.AddDays(1)));

        var cleared = await store.RecordReachabilityAsync(Reachable(TestPhones.Alice, T0.AddDays(2)));
        var again = await store.RecordReachabilityAsync(Reachable(TestPhones.Alice, T0.AddDays(3)));
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Bob).At(T0.AddDays(2)).Build());
        var optIn = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).At(T0.AddDays(3)).Build());

        Assert.True(cleared?.Changed);
        Assert.False(again?.Changed);
        Assert.Null(cleared?.Subscriber.UnreachableSince);
        Assert.Null(cleared?.Subscriber.UnreachableErrorCode);
        Assert.Equal(
            [(false, (string?)null), (true, ConsentNames.Unreachable), (true, ConsentNames.Reachable)],
            (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => (entry.IsDeliveryStateChange, entry.Evidence.DeliveryState)));
        Assert.True(optOut.Subscriber.IsUnreachable);
        Assert.True(optIn.Subscriber.IsUnreachable);
        Assert.Equal(T0.AddDays(1), (await store.GetAsync(TestPhones.Bob))?.UnreachableSince);
        Assert.Equal([TestPhones.Alice], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items.Select(subscriber => subscriber.Phone));
        Assert.Equal([TestPhones.Bob], (await store.ListUnreachableAsync(null, 10)).Items.Select(subscriber => subscriber.Phone));
    }

    [Fact]
    public async Task Marks_and_consent_changes_of_one_number_at_once_are_applied_one_after_another()
    {
        var store = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        await Task.WhenAll(
            store.RecordReachabilityAsync(Unreachable(TestPhones.Alice, T0.AddHours(1))),
            store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddHours(1)).Build()),
            store.SetPreferencesAsync(TestPhones.Alice, Chosen));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.NotNull(subscriber);
        Assert.Equal(Chosen, subscriber.Preferences);
        Assert.Equal(ConsentStatus.OptedOut, subscriber.Status);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(version => (long)version), history.Select(entry => entry.Version));
        Assert.Equal(subscriber.Version, history[^1].Version);

        // The mark lands only if it came before the opt-out.
        Assert.Equal(subscriber.IsUnreachable, history.Any(entry => entry.IsDeliveryStateChange));
    }

    [Fact]
    public async Task The_unreachable_listing_pages_in_a_stable_order()
    {
        var store = await CreateStoreAsync();
        var phones = Enumerable.Range(0, 7).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());
        }

        foreach (var phone in phones.Where((_, i) => i % 2 == 0))
        {
            await store.RecordReachabilityAsync(Unreachable(phone, T0.AddDays(1)));
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListUnreachableAsync(token, 2);
            Assert.True(page.Items.Count <= 2);
            listed.AddRange(page.Items.Select(subscriber => subscriber.Phone));
            token = page.ContinuationToken;
        }
        while (token is not null && listed.Count < 100);

        Assert.Equal(phones.Where((_, i) => i % 2 == 0).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    private static ReachabilityChange Unreachable(string phone, DateTimeOffset at) => new()
    {
        Phone = phone,
        Unreachable = true,
        ErrorCode = "63024",
        Actor = "delivery-status",
        Note = "provider error 63024 on 3 send days",
        At = at,
    };

    private static ReachabilityChange Reachable(string phone, DateTimeOffset at) => new()
    {
        Phone = phone,
        Unreachable = false,
        Actor = "inbound-message",
        Note = "the number wrote",
        MessageId = ConsentChangeBuilder.NewMessageSid(),
        At = at,
    };

    /// <summary>Walks the pages until the token is null, failing rather than looping forever.</summary>
    private static async Task<List<SubscriberPage>> ListAllPagesAsync(ISubscriberStore store, ConsentStatus status, int pageSize)
    {
        var pages = new List<SubscriberPage>();
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            Assert.True(pages.Count < 1000, "The store never ended the listing with a null continuation token.");
            var page = await store.ListAsync(status, token, pageSize);
            pages.Add(page);
            token = page.ContinuationToken;
            Assert.True(token is null || tokens.Add(token), "The store returned the same continuation token twice.");
        }
        while (token is not null);

        return pages;
    }
}
