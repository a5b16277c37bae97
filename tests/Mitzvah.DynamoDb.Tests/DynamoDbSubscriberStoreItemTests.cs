using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

/// <summary>What the store writes and reads at the item level: the original deployment's items, the sparse index, roll-forward.</summary>
[Collection(SharedDynalite.Name)]
public sealed class DynamoDbSubscriberStoreItemTests(DynaliteFixture dynalite)
{
    private const string Dina = "mailto:dina@example.org";

    private static readonly DateTimeOffset LegacyAt = new(2024, 5, 1, 12, 34, 56, 789, TimeSpan.Zero);

    private IAmazonDynamoDB Client => dynalite.Client;

    [Fact]
    public async Task Legacy_item_with_text_evidence_reads_as_version_0_created_when_last_changed()
    {
        var (store, options) = await CreateStoreAsync();
        await PutLegacyAsync(options, TestPhones.Alice, "opted_in", new AttributeValue { S = "START" }, source: "whatsapp");

        var subscriber = await store.GetAsync(TestPhones.Alice);

        Assert.Equal(
            new Subscriber
            {
                Phone = TestPhones.Alice,
                Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
                Channel = "whatsapp",
                Status = ConsentStatus.OptedIn,
                Purpose = "daily_mitzvot",
                Source = ConsentSource.WhatsAppKeyword,
                Evidence = new ConsentEvidence(Note: "START"),
                CreatedAt = LegacyAt,
                UpdatedAt = LegacyAt,
                Version = 0,
                Preferences = DeliveryPreferences.OperatorDefaults,
            },
            subscriber);
        Assert.Empty(await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Legacy_evidence_as_a_map_or_foreign_json_keeps_every_field()
    {
        var (store, options) = await CreateStoreAsync();
        await PutLegacyAsync(options, TestPhones.Alice, "opted_out", new AttributeValue
        {
            M = new()
            {
                ["keyword"] = new AttributeValue { S = "STOP" },
                ["message_sid"] = new AttributeValue { S = "SM0001" },
                ["wa_id"] = new AttributeValue { S = "15550000101" },
            },
        }, source: "imported");
        await PutLegacyAsync(options, TestPhones.Bob, "opted_in", new AttributeValue { S = """{"Body":"START","MessageSid":"SM0002","ip":"203.0.113.9"}""" });

        var alice = await store.GetAsync(TestPhones.Alice);
        var bob = await store.GetAsync(TestPhones.Bob);

        Assert.Equal(new ConsentEvidence(Keyword: "STOP", MessageId: "SM0001", Note: """{"wa_id":"15550000101"}"""), alice!.Evidence);
        Assert.Equal(ConsentStatus.OptedOut, alice.Status);
        Assert.Equal(ConsentSource.Admin, alice.Source);
        Assert.Equal(new ConsentEvidence(Keyword: "START", MessageId: "SM0002", IpAddress: "203.0.113.9"), bob!.Evidence);
    }

    [Fact]
    public async Task First_change_of_a_legacy_item_makes_version_1_and_keeps_its_creation_time()
    {
        var (store, options) = await CreateStoreAsync();
        await PutLegacyAsync(options, TestPhones.Alice, "opted_in", new AttributeValue { S = "START" });
        var optOut = ConsentChangeBuilder.OptOut(TestPhones.Alice).ViaWhatsApp("STOP").Build();

        var result = await store.RecordConsentAsync(optOut);

        Assert.True(result.Changed);
        Assert.Equal(ConsentStatus.OptedIn, result.PreviousStatus);
        Assert.Equal(1, result.Subscriber.Version);
        Assert.Equal(LegacyAt, result.Subscriber.CreatedAt);
        Assert.Equal(result.Subscriber, await store.GetAsync(TestPhones.Alice));
        var entry = Assert.Single(await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal(new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, optOut.Evidence, optOut.At), entry);
    }

    [Fact]
    public async Task Items_keep_the_original_attribute_names_and_carry_opted_in_only_while_opted_in()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").Build();

        await store.RecordConsentAsync(optIn);
        var optedIn = await GetRawAsync(options, TestPhones.Alice);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(optIn.At.AddDays(1)).Build());
        var optedOut = await GetRawAsync(options, TestPhones.Alice);

        Assert.Equal("opted_in", optedIn["consent_status"].S);
        Assert.Equal("whatsapp", optedIn["channel"].S);
        Assert.Equal("whatsapp_keyword", optedIn["source"].S);
        Assert.Equal(optIn.Evidence.ToJson(), optedIn["evidence"].S);
        Assert.Equal("2025-03-01T14:30:15.123Z", optedIn["timestamp_iso"].S);
        Assert.Equal("2025-03-01T14:30:15.123Z", optedIn["created_at"].S);
        Assert.Equal("daily_mitzvot", optedIn["purpose"].S);
        Assert.Equal("1", optedIn["version"].N);
        Assert.Equal("1", optedIn["opted_in"].S);

        Assert.Equal("opted_out", optedOut["consent_status"].S);
        Assert.Equal("2", optedOut["version"].N);
        Assert.False(optedOut.ContainsKey("opted_in"));
    }

    [Fact]
    public async Task Opted_in_listing_reads_the_sparse_index_so_an_unindexed_legacy_item_appears_only_after_the_backfill()
    {
        var (store, options) = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Bob).Build());
        await PutLegacyAsync(options, TestPhones.Alice, "opted_in", new AttributeValue { S = "START" });

        var before = await store.ListAsync(ConsentStatus.OptedIn, null, 10);
        var countBefore = await store.CountAsync(ConsentStatus.OptedIn);
        await new DynamoDbOptedInBackfill(Client).RunAsync(options.SubscribersTable);
        var after = await store.ListAsync(ConsentStatus.OptedIn, null, 10);

        Assert.Equal([TestPhones.Bob], before.Items.Select(s => s.Phone));
        Assert.Equal(1, countBefore);
        Assert.Equal([TestPhones.Alice, TestPhones.Bob], after.Items.Select(s => s.Phone));
        Assert.Equal(2, await store.CountAsync(ConsentStatus.OptedIn));
    }

    [Fact]
    public async Task Other_statuses_are_listed_from_the_table_including_legacy_items()
    {
        var (store, options) = await CreateStoreAsync();
        await PutLegacyAsync(options, TestPhones.Alice, "opted_out", new AttributeValue { S = "STOP" });
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Bob).Build());

        var page = await store.ListAsync(ConsentStatus.OptedOut, null, 10);

        Assert.Equal([TestPhones.Alice, TestPhones.Bob], page.Items.Select(s => s.Phone).Order(StringComparer.Ordinal));
        Assert.Equal(2, await store.CountAsync(ConsentStatus.OptedOut));
    }

    [Fact]
    public async Task A_token_issued_for_one_status_is_rejected_for_another()
    {
        var (store, _) = await CreateStoreAsync();
        foreach (var phone in new[] { TestPhones.Numbered(1), TestPhones.Numbered(2), TestPhones.Numbered(3) })
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());
        }

        var page = await store.ListAsync(ConsentStatus.OptedIn, null, 1);

        Assert.NotNull(page.ContinuationToken);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ListAsync(ConsentStatus.OptedOut, page.ContinuationToken, 1));
    }

    [Fact]
    public async Task A_change_whose_writer_died_after_its_history_entry_stays_hidden_until_the_next_change_completes_it()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();
        await store.RecordConsentAsync(optIn);
        var orphan = await PutOrphanOptOutAsync(options, optIn.At.AddMinutes(1));

        var hiddenHistory = await store.GetHistoryAsync(TestPhones.Alice);
        var hiddenSubscriber = await store.GetAsync(TestPhones.Alice);
        // The next change claims version 2, finds it taken, completes the dead writer's change and sees it already holds.
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).ByAdmin("ops").At(optIn.At.AddMinutes(2)).Build());

        Assert.Single(hiddenHistory);
        Assert.Equal(1, hiddenSubscriber!.Version);
        Assert.Equal(ConsentStatus.OptedIn, hiddenSubscriber.Status);
        Assert.False(optOut.Changed);
        Assert.Equal(ConsentStatus.OptedOut, optOut.PreviousStatus);
        Assert.Equal(
            new Subscriber
            {
                Phone = TestPhones.Alice,
                Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
                Channel = "whatsapp",
                Status = ConsentStatus.OptedOut,
                Purpose = "daily_mitzvot",
                Source = orphan.Source,
                Evidence = orphan.Evidence,
                CreatedAt = optIn.At,
                UpdatedAt = orphan.RecordedAt,
                Version = 2,
                NextSendAt = optIn.At,
            },
            optOut.Subscriber);
        Assert.Equal(optOut.Subscriber, await store.GetAsync(TestPhones.Alice));
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut], (await store.GetHistoryAsync(TestPhones.Alice)).Select(entry => entry.Status));
    }

    [Fact]
    public async Task A_change_to_the_visible_status_completes_a_dead_writers_change_first_and_then_applies()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();
        await store.RecordConsentAsync(optIn);
        var orphan = await PutOrphanOptOutAsync(options, optIn.At.AddMinutes(1));

        var optInAgain = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWhatsApp("START").At(optIn.At.AddMinutes(2)).Build());

        Assert.True(optInAgain.Changed);
        Assert.Equal(ConsentStatus.OptedOut, optInAgain.PreviousStatus);
        Assert.Equal(3, optInAgain.Subscriber.Version);
        Assert.Equal(optInAgain.Subscriber, await store.GetAsync(TestPhones.Alice));
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut, ConsentStatus.OptedIn], history.Select(entry => entry.Status));
        Assert.Equal(orphan, history[1]);
    }

    [Fact]
    public async Task Items_written_before_schema_versions_read_unchanged_with_default_preferences()
    {
        var (store, options) = await CreateStoreAsync();
        var evidence = new ConsentEvidence(Keyword: "START", MessageId: "SM0123456789abcdef0123456789abcdef", To: "whatsapp:+14155238886");
        await PutUnversionedAsync(options, evidence);

        var subscriber = await store.GetAsync(TestPhones.Alice);

        var expected = new Subscriber
        {
            Phone = TestPhones.Alice,
            Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
            Channel = "whatsapp",
            Status = ConsentStatus.OptedIn,
            Purpose = "daily_mitzvot",
            Source = ConsentSource.WhatsAppKeyword,
            Evidence = evidence,
            CreatedAt = new DateTimeOffset(2025, 1, 5, 9, 0, 0, TimeSpan.Zero),
            UpdatedAt = new DateTimeOffset(2025, 2, 10, 18, 30, 45, 123, TimeSpan.Zero),
            Version = 3,
            Preferences = DeliveryPreferences.OperatorDefaults,
        };
        Assert.Equal(expected, subscriber);
        Assert.Equal([expected], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal(
            [
                new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "import"), expected.CreatedAt),
                new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "STOP"), new DateTimeOffset(2025, 2, 1, 8, 0, 0, TimeSpan.Zero)),
                new ConsentHistoryEntry(TestPhones.Alice, 3, ConsentStatus.OptedIn, ConsentSource.WhatsAppKeyword, evidence, expected.UpdatedAt),
            ],
            await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Items_written_before_schema_versions_take_preferences_and_the_next_consent_change()
    {
        var (store, options) = await CreateStoreAsync();
        await PutUnversionedAsync(options, new ConsentEvidence(Keyword: "START"));
        var preferences = new DeliveryPreferences { TimeZone = "Asia/Jerusalem", PausedUntil = new DateOnly(2025, 4, 21) };

        var updated = await store.SetPreferencesAsync(TestPhones.Alice, preferences);
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero)).Build());

        Assert.Equal(preferences, updated?.Preferences);
        Assert.Equal(4, updated?.Version);
        Assert.Equal(5, optOut.Subscriber.Version);
        Assert.Equal(preferences, optOut.Subscriber.Preferences);
        Assert.Equal("3", (await GetRawAsync(options, TestPhones.Alice))["schema_version"].N);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([1L, 2L, 3L, 4L, 5L], history.Select(entry => entry.Version));
        Assert.True(history[3].IsPreferenceChange);
    }

    [Fact]
    public async Task Writes_carry_the_schema_version_and_preferences_as_optional_attributes()
    {
        var (store, options) = await CreateStoreAsync();
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var created = await GetRawAsync(options, TestPhones.Alice);
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences
        {
            TimeZone = "Asia/Jerusalem",
            SendTime = new TimeOnly(6, 5),
            Calendar = FestivalCalendar.Israel,
            PausedUntil = new DateOnly(2025, 4, 21),
        });
        var chosen = await GetRawAsync(options, TestPhones.Alice);
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { Calendar = FestivalCalendar.Diaspora });
        var narrowed = await GetRawAsync(options, TestPhones.Alice);
        var history = await RawHistoryAsync(options, TestPhones.Alice);

        Assert.Equal("3", created["schema_version"].N);
        Assert.DoesNotContain(created.Keys, key => key is "time_zone" or "send_time" or "calendar" or "paused_until");
        Assert.Equal(["Asia/Jerusalem", "06:05", "israel", "2025-04-21"], new[] { "time_zone", "send_time", "calendar", "paused_until" }.Select(key => chosen[key].S));
        Assert.Equal("2", chosen["version"].N);
        Assert.Equal("2025-03-02T14:30:15.123Z", chosen["timestamp_iso"].S);
        Assert.Equal("diaspora", narrowed["calendar"].S);
        Assert.Equal("3", narrowed["version"].N);
        Assert.DoesNotContain(narrowed.Keys, key => key is "time_zone" or "send_time" or "paused_until");
        Assert.Equal(["3", "3", "3"], history.Select(entry => entry["schema_version"].N));

        // Each preference entry carries the preferences it sets, so that completing it needs nothing else.
        Assert.DoesNotContain(history[0].Keys, key => key is "time_zone" or "send_time" or "calendar" or "paused_until");
        Assert.Equal(["Asia/Jerusalem", "06:05", "israel", "2025-04-21"], new[] { "time_zone", "send_time", "calendar", "paused_until" }.Select(key => history[1][key].S));
        Assert.Equal("diaspora", history[2]["calendar"].S);
        Assert.DoesNotContain(history[2].Keys, key => key is "time_zone" or "send_time" or "paused_until");
    }

    [Fact]
    public async Task Items_keep_their_next_send_time_and_due_key_whatever_the_status_and_leave_the_due_index_with_opted_in()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();
        var milliseconds = optIn.At.ToUnixTimeMilliseconds();

        await store.RecordConsentAsync(optIn);
        var joined = await GetRawAsync(options, TestPhones.Alice);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(optIn.At.AddHours(1)).Build());
        var left = await GetRawAsync(options, TestPhones.Alice);
        var moved = await store.SetNextSendAtAsync(TestPhones.Alice, optIn.At, optIn.At.AddDays(1));
        var movedItem = await GetRawAsync(options, TestPhones.Alice);

        Assert.Equal(milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture), joined["next_send_at"].N);
        Assert.Equal($"{milliseconds:D15}#{TestPhones.Alice}", joined["due_key"].S);
        Assert.Equal("1", joined["opted_in"].S);
        Assert.Equal(joined["next_send_at"].N, left["next_send_at"].N);
        Assert.Equal(joined["due_key"].S, left["due_key"].S);
        Assert.False(left.ContainsKey("opted_in"));
        Assert.True(moved);
        Assert.Equal($"{milliseconds + 86_400_000:D15}#{TestPhones.Alice}", movedItem["due_key"].S);
        Assert.Equal(left["version"].N, movedItem["version"].N);
        Assert.Empty((await store.ListDueAsync(optIn.At.AddDays(2), null, 10)).Items);
    }

    [Fact]
    public async Task A_preference_change_whose_writer_died_is_completed_with_its_preferences_by_the_next_change()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();
        await store.RecordConsentAsync(optIn);
        var changedAt = optIn.At.AddMinutes(1);
        var preferences = new DeliveryPreferences { TimeZone = "Asia/Jerusalem", SendTime = new TimeOnly(6, 30) };
        var evidence = new ConsentEvidence(Actor: "ops", Preferences: PreferenceNames.Describe(preferences));
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.ConsentHistoryTable,
            Item = new()
            {
                ["phone"] = new AttributeValue { S = TestPhones.Alice },
                ["version"] = new AttributeValue { N = "2" },
                ["consent_status"] = new AttributeValue { S = "opted_in" },
                ["source"] = new AttributeValue { S = "admin" },
                ["evidence"] = new AttributeValue { S = evidence.ToJson() },
                ["timestamp_iso"] = new AttributeValue { S = "2025-03-01T14:31:15.123Z" },
                ["schema_version"] = new AttributeValue { N = "2" },
                ["time_zone"] = new AttributeValue { S = "Asia/Jerusalem" },
                ["send_time"] = new AttributeValue { S = "06:30" },
            },
        });

        var hidden = await store.GetAsync(TestPhones.Alice);
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(optIn.At.AddMinutes(2)).Build());

        Assert.Equal(DeliveryPreferences.OperatorDefaults, hidden?.Preferences);
        Assert.True(optOut.Changed);
        Assert.Equal(3, optOut.Subscriber.Version);
        Assert.Equal(preferences, optOut.Subscriber.Preferences);
        Assert.Equal(changedAt, optOut.Subscriber.NextSendAt);
        Assert.Equal(optOut.Subscriber, await store.GetAsync(TestPhones.Alice));
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([false, true, false], history.Select(entry => entry.IsPreferenceChange));
        Assert.Equal(new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedIn, ConsentSource.Admin, evidence, changedAt), history[1]);
    }

    [Fact]
    public async Task A_due_token_and_a_list_token_are_each_rejected_by_the_other_listing()
    {
        var (store, _) = await CreateStoreAsync();
        foreach (var phone in new[] { TestPhones.Numbered(1), TestPhones.Numbered(2), TestPhones.Numbered(3) })
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build());
        }

        var due = await store.ListDueAsync(ConsentChangeBuilder.DefaultAt, null, 1);
        var listed = await store.ListAsync(ConsentStatus.OptedIn, null, 1);

        Assert.NotNull(due.ContinuationToken);
        Assert.NotNull(listed.ContinuationToken);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ListAsync(ConsentStatus.OptedIn, due.ContinuationToken, 1));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ListDueAsync(ConsentChangeBuilder.DefaultAt, listed.ContinuationToken, 1));
    }

    [Fact]
    public async Task An_item_of_a_newer_schema_is_refused_and_never_overwritten()
    {
        var (store, options) = await CreateStoreAsync();
        var item = new Dictionary<string, AttributeValue>
        {
            ["phone"] = new AttributeValue { S = TestPhones.Alice },
            ["consent_status"] = new AttributeValue { S = "opted_in" },
            ["channel"] = new AttributeValue { S = "whatsapp" },
            ["purpose"] = new AttributeValue { S = "daily_mitzvot" },
            ["source"] = new AttributeValue { S = "admin" },
            ["evidence"] = new AttributeValue { S = "{}" },
            ["timestamp_iso"] = new AttributeValue { S = "2025-02-10T18:30:45.123Z" },
            ["created_at"] = new AttributeValue { S = "2025-01-05T09:00:00.000Z" },
            ["version"] = new AttributeValue { N = "1" },
            ["opted_in"] = new AttributeValue { S = "1" },
            ["schema_version"] = new AttributeValue { N = "4" },
            ["email"] = new AttributeValue { S = "alice@example.org" },
        };
        await Client.PutItemAsync(new PutItemRequest { TableName = options.SubscribersTable, Item = item });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync(TestPhones.Alice));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).Build()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { TimeZone = "UTC" }));
        Assert.False(await store.SetNextSendAtAsync(TestPhones.Alice, null, ConsentChangeBuilder.DefaultAt));

        Assert.Contains("schema version 4", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestPhones.Alice, error.Message, StringComparison.Ordinal);
        var stored = await GetRawAsync(options, TestPhones.Alice);
        Assert.Equal(item.Keys.Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("opted_in", stored["consent_status"].S);
        Assert.Equal("4", stored["schema_version"].N);
    }

    [Fact]
    public async Task An_email_key_is_stored_under_its_key_with_the_email_channel_and_its_state_as_optional_attributes()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(Dina).Build();

        await store.RecordConsentAsync(optIn);
        var joined = await GetRawAsync(options, Dina);
        var refused = await store.ChangeEmailAsync(EmailChangeOf(Dina, EmailChangeKind.Undeliverable, "dina@example.org", optIn.At.AddHours(1)));
        var chosen = await store.SetPreferencesAsync(Dina, new DeliveryPreferences { Channel = DeliveryChannel.Email });
        var changed = await GetRawAsync(options, Dina);
        var read = await store.GetAsync(Dina);

        Assert.Equal("email", joined["channel"].S);
        Assert.Equal("3", joined["schema_version"].N);
        Assert.Equal($"{optIn.At.ToUnixTimeMilliseconds():D15}#{Dina}", joined["due_key"].S);
        Assert.DoesNotContain(joined.Keys, key => key is "email" or "email_confirmed_at" or "email_undeliverable_at" or "delivery_channel");
        Assert.True(refused?.Changed);
        Assert.Equal("2025-03-01T15:30:15.123Z", changed["email_undeliverable_at"].S);
        Assert.Equal("email", changed["delivery_channel"].S);
        Assert.False(changed.ContainsKey("email"));
        Assert.Equal(new SubscriberAddresses { Email = "dina@example.org" }, read?.Addresses);
        Assert.Equal("email", read?.Channel);
        Assert.Equal(optIn.At.AddHours(1), read?.EmailUndeliverableAt);
        Assert.Equal(DeliveryChannel.Email, read?.Preferences.Channel);
        Assert.Equal(chosen, read);
        Assert.Equal([read!], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal([read!], (await store.ListDueAsync(PreferenceChanges.DefaultAt, null, 10)).Items);
    }

    [Fact]
    public async Task Linking_confirming_and_removing_an_address_write_its_attributes_and_consent_changes_keep_them()
    {
        var (store, options) = await CreateStoreAsync();
        var at = ConsentChangeBuilder.DefaultAt;
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        var linked = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Link, "alice@example.org", at.AddHours(1), DeliveryChannel.Both));
        var linkedItem = await GetRawAsync(options, TestPhones.Alice);
        await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Confirm, "alice@example.org", at.AddHours(2)));
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(at.AddHours(3)).Build());
        var optedOutItem = await GetRawAsync(options, TestPhones.Alice);
        var removed = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Remove, "alice@example.org", at.AddHours(4)));
        var removedItem = await GetRawAsync(options, TestPhones.Alice);
        var history = await RawHistoryAsync(options, TestPhones.Alice);

        Assert.Equal(["alice@example.org", "both"], new[] { linkedItem["email"].S, linkedItem["delivery_channel"].S });
        Assert.False(linkedItem.ContainsKey("email_confirmed_at"));
        Assert.Equal(at.AddHours(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), linkedItem["next_send_at"].N);
        Assert.True(linked?.Changed);
        Assert.Equal(DeliveryChannel.Both, linked?.Subscriber.Preferences.Channel);
        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice, Email = "alice@example.org" }, optOut.Subscriber.Addresses);
        Assert.Equal(at.AddHours(2), optOut.Subscriber.EmailConfirmedAt);
        Assert.Equal(DeliveryChannel.Both, optOut.Subscriber.Preferences.Channel);
        Assert.Equal("2025-03-01T16:30:15.123Z", optedOutItem["email_confirmed_at"].S);
        Assert.True(removed?.Changed);
        Assert.Equal(ConsentStatus.OptedOut, removed?.Subscriber.Status);
        Assert.DoesNotContain(removedItem.Keys, key => key is "email" or "email_confirmed_at" or "email_undeliverable_at" or "delivery_channel");

        // Each email entry carries the state it sets, so that completing it needs nothing else; consent entries carry none.
        Assert.Equal(["alice@example.org", "both"], new[] { history[1]["email"].S, history[1]["delivery_channel"].S });
        Assert.Equal("2025-03-01T16:30:15.123Z", history[2]["email_confirmed_at"].S);
        Assert.DoesNotContain(history[3].Keys, key => key is "email" or "email_confirmed_at" or "delivery_channel");
        Assert.DoesNotContain(history[4].Keys, key => key is "email" or "email_confirmed_at" or "delivery_channel");
    }

    [Fact]
    public async Task An_email_change_whose_writer_died_is_completed_with_its_email_state_by_the_next_change()
    {
        var (store, options) = await CreateStoreAsync();
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).Build();
        await store.RecordConsentAsync(optIn);
        var linkedAt = optIn.At.AddMinutes(1);
        var evidence = new ConsentEvidence(IpAddress: "203.0.113.9", Email: "alice@example.org", EmailState: "linked");
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.ConsentHistoryTable,
            Item = new()
            {
                ["phone"] = new AttributeValue { S = TestPhones.Alice },
                ["version"] = new AttributeValue { N = "2" },
                ["consent_status"] = new AttributeValue { S = "opted_in" },
                ["source"] = new AttributeValue { S = "web_form" },
                ["evidence"] = new AttributeValue { S = evidence.ToJson() },
                ["timestamp_iso"] = new AttributeValue { S = "2025-03-01T14:31:15.123Z" },
                ["schema_version"] = new AttributeValue { N = "3" },
                ["email"] = new AttributeValue { S = "alice@example.org" },
                ["delivery_channel"] = new AttributeValue { S = "fallback" },
            },
        });

        var hidden = await store.GetAsync(TestPhones.Alice);
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(optIn.At.AddMinutes(2)).Build());

        Assert.Null(hidden?.Addresses.Email);
        Assert.Equal(3, optOut.Subscriber.Version);
        Assert.Equal("alice@example.org", optOut.Subscriber.Addresses.Email);
        Assert.Null(optOut.Subscriber.EmailConfirmedAt);
        Assert.Equal(DeliveryChannel.Fallback, optOut.Subscriber.Preferences.Channel);
        Assert.Equal(linkedAt, optOut.Subscriber.NextSendAt);
        Assert.Equal(optOut.Subscriber, await store.GetAsync(TestPhones.Alice));
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([false, true, false], history.Select(entry => entry.IsEmailChange));
        Assert.Equal(new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedIn, ConsentSource.WebForm, evidence, linkedAt), history[1]);
    }

    [Fact]
    public async Task Items_written_before_email_subscribers_read_without_an_address_and_with_the_default_channel()
    {
        var (store, options) = await CreateStoreAsync();
        await PutUnversionedAsync(options, new ConsentEvidence(Keyword: "START"));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        var linked = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Link, "alice@example.org", PreferenceChanges.DefaultAt));

        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice }, subscriber?.Addresses);
        Assert.Null(subscriber?.Preferences.Channel);
        Assert.Equal(DeliveryChannel.WhatsApp, subscriber?.EffectiveChannel);
        Assert.Null(subscriber?.EmailConfirmedAt);
        Assert.Null(subscriber?.EmailUndeliverableAt);
        Assert.Null(subscriber?.DeliverableEmail);
        Assert.Equal(4, linked?.Subscriber.Version);
        Assert.Equal("alice@example.org", linked?.Subscriber.Addresses.Email);
        var stored = await GetRawAsync(options, TestPhones.Alice);
        Assert.Equal("3", stored["schema_version"].N);
        Assert.Equal("whatsapp", stored["channel"].S);
    }

    [Fact]
    public async Task Email_keys_page_through_the_listing_and_bad_keys_or_addresses_write_nothing()
    {
        var (store, _) = await CreateStoreAsync();
        string[] keys = ["mailto:dina@example.org", "mailto:eli@example.org", "mailto:fay@example.org"];
        foreach (var key in keys)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(key).Build());
        }

        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(ConsentStatus.OptedIn, token, 1);
            listed.AddRange(page.Items.Select(item => item.Phone));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(keys, listed.Order(StringComparer.Ordinal));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("mailto:Dina@example.org"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptIn("mailto:nobody").Build()));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ChangeEmailAsync(EmailChangeOf(keys[0], EmailChangeKind.Undeliverable, "Dina@Example.org", PreferenceChanges.DefaultAt)));
        Assert.Equal(1, (await store.GetAsync(keys[0]))?.Version);
        Assert.Null(await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Bob, EmailChangeKind.Link, "bob@example.org", PreferenceChanges.DefaultAt)));
        Assert.Null(await store.GetAsync(TestPhones.Bob));
    }

    /// <summary>
    /// A subscriber and its history exactly as this store wrote them before items carried <c>schema_version</c>:
    /// opted in, out, and in again.
    /// </summary>
    private async Task PutUnversionedAsync(DynamoDbOptions options, ConsentEvidence evidence)
    {
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.SubscribersTable,
            Item = new()
            {
                ["phone"] = new AttributeValue { S = TestPhones.Alice },
                ["consent_status"] = new AttributeValue { S = "opted_in" },
                ["channel"] = new AttributeValue { S = "whatsapp" },
                ["purpose"] = new AttributeValue { S = "daily_mitzvot" },
                ["source"] = new AttributeValue { S = "whatsapp_keyword" },
                ["evidence"] = new AttributeValue { S = evidence.ToJson() },
                ["timestamp_iso"] = new AttributeValue { S = "2025-02-10T18:30:45.123Z" },
                ["created_at"] = new AttributeValue { S = "2025-01-05T09:00:00.000Z" },
                ["version"] = new AttributeValue { N = "3" },
                ["opted_in"] = new AttributeValue { S = "1" },
            },
        });
        var entries = new[]
        {
            ("1", "opted_in", "admin", """{"actor":"import"}""", "2025-01-05T09:00:00.000Z"),
            ("2", "opted_out", "whatsapp_keyword", """{"keyword":"STOP"}""", "2025-02-01T08:00:00.000Z"),
            ("3", "opted_in", "whatsapp_keyword", evidence.ToJson(), "2025-02-10T18:30:45.123Z"),
        };
        foreach (var (version, status, source, json, at) in entries)
        {
            await Client.PutItemAsync(new PutItemRequest
            {
                TableName = options.ConsentHistoryTable,
                Item = new()
                {
                    ["phone"] = new AttributeValue { S = TestPhones.Alice },
                    ["version"] = new AttributeValue { N = version },
                    ["consent_status"] = new AttributeValue { S = status },
                    ["source"] = new AttributeValue { S = source },
                    ["evidence"] = new AttributeValue { S = json },
                    ["timestamp_iso"] = new AttributeValue { S = at },
                },
            });
        }
    }

    /// <summary>What a writer leaves when it dies after putting history version 2 and before updating the subscriber.</summary>
    private async Task<ConsentHistoryEntry> PutOrphanOptOutAsync(DynamoDbOptions options, DateTimeOffset at)
    {
        var orphan = new ConsentHistoryEntry(
            TestPhones.Alice, 2, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "STOP"), at);
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.ConsentHistoryTable,
            Item = new()
            {
                ["phone"] = new AttributeValue { S = orphan.Phone },
                ["version"] = new AttributeValue { N = "2" },
                ["consent_status"] = new AttributeValue { S = "opted_out" },
                ["source"] = new AttributeValue { S = "whatsapp_keyword" },
                ["evidence"] = new AttributeValue { S = orphan.Evidence.ToJson() },
                ["timestamp_iso"] = new AttributeValue { S = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) },
            },
        });
        return orphan;
    }

    private static EmailChange EmailChangeOf(string key, EmailChangeKind kind, string address, DateTimeOffset at, DeliveryChannel? channel = null) =>
        new(key, kind, address, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.9"), at, channel);

    private async Task<(DynamoDbSubscriberStore Store, DynamoDbOptions Options)> CreateStoreAsync()
    {
        var options = await dynalite.CreateTablesAsync();
        return (new DynamoDbSubscriberStore(Client, options), options);
    }

    /// <summary>An item as the original Python deployment wrote it: no version, created_at, purpose or opted_in.</summary>
    private async Task PutLegacyAsync(DynamoDbOptions options, string phone, string status, AttributeValue evidence, string source = "admin") =>
        await Client.PutItemAsync(new PutItemRequest
        {
            TableName = options.SubscribersTable,
            Item = new()
            {
                ["phone"] = new AttributeValue { S = phone },
                ["consent_status"] = new AttributeValue { S = status },
                ["channel"] = new AttributeValue { S = "whatsapp" },
                ["source"] = new AttributeValue { S = source },
                ["evidence"] = evidence,
                ["timestamp_iso"] = new AttributeValue { S = "2024-05-01T12:34:56.789012+00:00" },
            },
        });

    private async Task<List<Dictionary<string, AttributeValue>>> RawHistoryAsync(DynamoDbOptions options, string phone) =>
        (await Client.QueryAsync(new QueryRequest
        {
            TableName = options.ConsentHistoryTable,
            KeyConditionExpression = "phone = :phone",
            ExpressionAttributeValues = new() { [":phone"] = new AttributeValue { S = phone } },
            ConsistentRead = true,
        })).Items;

    private async Task<Dictionary<string, AttributeValue>> GetRawAsync(DynamoDbOptions options, string phone) =>
        (await Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.SubscribersTable,
            Key = new() { ["phone"] = new AttributeValue { S = phone } },
            ConsistentRead = true,
        })).Item;
}
