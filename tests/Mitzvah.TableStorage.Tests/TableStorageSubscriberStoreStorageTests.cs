using System.Text.Json;
using System.Web;
using Azure.Core;
using Azure.Data.Tables;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

/// <summary>What the Table Storage store does beyond the contract: its tables, keys and queries as the service sees them.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableStorageSubscriberStoreStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Dina = "mailto:dina@example.org";

    private static readonly DateTimeOffset T0 = ConsentChangeBuilder.DefaultAt;

    private readonly string _prefix = AzuriteFixture.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task Opted_in_listing_gets_only_opted_in_rows_from_the_service()
    {
        var seeding = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var optedIn = new List<string>();
        for (var i = 0; i < 47; i++)
        {
            var phone = TestPhones.Numbered(i);
            var status = (i % 4) switch { 0 => ConsentStatus.OptedIn, 3 => ConsentStatus.Invalid, _ => ConsentStatus.OptedOut };
            if (status != ConsentStatus.OptedIn)
            {
                // Formerly opted in: only the current status may count.
                await seeding.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(T0).Build());
            }
            else
            {
                optedIn.Add(phone);
            }

            await seeding.RecordConsentAsync(ConsentChangeBuilder.To(phone, status).At(T0.AddMinutes(1)).Build());
        }

        var recorder = new RecordingPolicy();
        var options = new TableClientOptions();
        options.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(options), _prefix);

        var listed = new List<string>();
        await foreach (var subscriber in store.StreamAsync(ConsentStatus.OptedIn, pageSize: 5))
        {
            listed.Add(subscriber.Phone);
        }

        Assert.Equal(optedIn, listed);
        var queries = recorder.Exchanges.Where(e => e.Method == "GET" && e.Uri.AbsolutePath.EndsWith($"/{_prefix}Subscribers()", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, queries.Count);
        Assert.All(queries, query =>
        {
            var filter = HttpUtility.ParseQueryString(query.Uri.Query)["$filter"];
            Assert.NotNull(filter);
            Assert.StartsWith("PartitionKey eq 'subscriber' and ", filter, StringComparison.Ordinal);
            Assert.EndsWith(" and Status eq 'opted_in'", filter, StringComparison.Ordinal);
        });

        // Every row the service sent is opted in; the opted-out and invalid rows never left it.
        var received = queries.SelectMany(query => Rows(query.ResponseBody)).ToList();
        Assert.All(received, row => Assert.Equal("opted_in", row.GetProperty("Status").GetString()));
        Assert.Equal(optedIn, received.Select(row => row.GetProperty("RowKey").GetString()).Distinct());
        Assert.InRange(received.Count, optedIn.Count, optedIn.Count + queries.Count);

        // The table does hold the other rows: a query of all subscriber rows (which sort before the due index) returns them.
        var all = await CountRowsAsync(azurite.CreateServiceClient().GetTableClient(_prefix + "Subscribers"), filter: "RowKey lt '~'");
        Assert.Equal(47, all);
    }

    [Fact]
    public async Task Rows_use_fixed_table_names_a_stable_subscriber_key_and_zero_padded_history_versions()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var optIn = ConsentChangeBuilder.OptIn(TestPhones.Alice).ViaWebForm("v1", "203.0.113.7", "Mozilla/5.0").At(T0.AddTicks(4567)).Build();
        var optOut = ConsentChangeBuilder.OptOut(TestPhones.Alice).ViaWhatsApp("STOP").At(T0.AddDays(1)).Build();

        await store.RecordConsentAsync(optIn);
        await store.RecordConsentAsync(optOut);

        var service = azurite.CreateServiceClient();
        var tables = new List<string>();
        await foreach (var table in service.QueryAsync(filter: $"TableName ge '{_prefix}' and TableName lt '{_prefix}~'"))
        {
            tables.Add(table.Name);
        }

        Assert.Equal([_prefix + "ConsentHistory", _prefix + "Subscribers"], tables.Order(StringComparer.Ordinal));

        var subscriber = (await service.GetTableClient(_prefix + "Subscribers").GetEntityAsync<TableEntity>("subscriber", TestPhones.Alice)).Value;
        Assert.Equal("opted_out", subscriber.GetString("Status"));
        Assert.Equal("whatsapp_keyword", subscriber.GetString("Source"));
        Assert.Equal(optOut.Evidence.ToJson(), subscriber.GetString("Evidence"));
        Assert.Equal(2L, subscriber.GetInt64("Version"));
        Assert.Equal(T0, subscriber.GetDateTimeOffset("CreatedAt"));
        Assert.Equal(T0.AddDays(1), subscriber.GetDateTimeOffset("UpdatedAt"));

        var history = new List<TableEntity>();
        await foreach (var entity in service.GetTableClient(_prefix + "ConsentHistory").QueryAsync<TableEntity>(e => e.PartitionKey == TestPhones.Alice))
        {
            history.Add(entity);
        }

        Assert.Equal(["0000000001", "0000000002"], history.Select(entity => entity.RowKey));
        Assert.Equal(["opted_in", "opted_out"], history.Select(entity => entity.GetString("Status")));
        Assert.Equal(optIn.Evidence.ToJson(), history[0].GetString("Evidence"));
    }

    [Fact]
    public async Task History_written_by_a_change_that_died_before_its_entry_is_restored_on_read()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var optIn = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var history = azurite.CreateServiceClient().GetTableClient(_prefix + "ConsentHistory");
        await history.DeleteEntityAsync(TestPhones.Alice, "0000000001");

        var entries = await store.GetHistoryAsync(TestPhones.Alice);

        var expected = new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, optIn.Subscriber.Source, optIn.Subscriber.Evidence, T0);
        Assert.Equal([expected], entries);
        Assert.Equal(1, await CountRowsAsync(history, $"PartitionKey eq '{TestPhones.Alice}'"));
    }

    [Fact]
    public async Task Next_change_fills_in_the_entry_a_dead_change_left_out_so_history_has_no_gaps()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var history = azurite.CreateServiceClient().GetTableClient(_prefix + "ConsentHistory");
        await history.DeleteEntityAsync(TestPhones.Alice, "0000000001");

        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddDays(1)).Build());

        Assert.Equal(2, await CountRowsAsync(history, $"PartitionKey eq '{TestPhones.Alice}'"));
        var entries = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([1L, 2L], entries.Select(entry => entry.Version));
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut], entries.Select(entry => entry.Status));
    }

    [Fact]
    public async Task History_never_shows_an_entry_beyond_the_subscribers_current_version()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var history = azurite.CreateServiceClient().GetTableClient(_prefix + "ConsentHistory");

        // As a change in flight leaves it: its entry is visible before the reader's subscriber read reflects it.
        await history.AddEntityAsync(new TableEntity(TestPhones.Alice, "0000000002")
        {
            ["Status"] = "opted_out",
            ["Source"] = "admin",
            ["Evidence"] = "{}",
            ["RecordedAt"] = T0.AddDays(1),
            ["Version"] = 2L,
        });

        var entries = await store.GetHistoryAsync(TestPhones.Alice);

        Assert.Equal([1L], entries.Select(entry => entry.Version));
        Assert.Equal(ConsentStatus.OptedIn, (await store.GetAsync(TestPhones.Alice))!.Status);
    }

    [Fact]
    public async Task Entities_written_before_schema_versions_read_unchanged_with_default_preferences()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var evidence = new ConsentEvidence(Keyword: "STOP", MessageId: "SM0123456789abcdef0123456789abcdef", To: "whatsapp:+14155238886");
        await store.CountAsync(ConsentStatus.OptedIn); // creates the tables
        await PutUnversionedAsync(evidence);

        var subscriber = await store.GetAsync(TestPhones.Alice);

        var expected = new Subscriber
        {
            Phone = TestPhones.Alice,
            Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
            Channel = "whatsapp",
            Status = ConsentStatus.OptedOut,
            Purpose = "daily_mitzvot",
            Source = ConsentSource.WhatsAppKeyword,
            Evidence = evidence,
            CreatedAt = T0,
            UpdatedAt = T0.AddDays(1),
            Version = 2,
            Preferences = DeliveryPreferences.OperatorDefaults,
        };
        Assert.Equal(expected, subscriber);
        Assert.Equal([expected], (await store.ListAsync(ConsentStatus.OptedOut, null, 10)).Items);
        Assert.Equal(
            [
                new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "import"), T0),
                new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, evidence, T0.AddDays(1)),
            ],
            await store.GetHistoryAsync(TestPhones.Alice));
    }

    [Fact]
    public async Task Entities_written_before_schema_versions_take_preferences_and_the_next_consent_change()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.CountAsync(ConsentStatus.OptedIn); // creates the tables
        await PutUnversionedAsync(new ConsentEvidence(Keyword: "STOP"));
        var preferences = new DeliveryPreferences { SendTime = new TimeOnly(7, 30), Calendar = FestivalCalendar.Israel };

        var updated = await store.SetPreferencesAsync(TestPhones.Alice, preferences);
        var optIn = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0.AddDays(2)).Build());

        Assert.Equal(preferences, updated?.Preferences);
        Assert.Equal(3, updated?.Version);
        Assert.Equal(4, optIn.Subscriber.Version);
        Assert.Equal(preferences, optIn.Subscriber.Preferences);
        Assert.Equal(T0, optIn.Subscriber.CreatedAt);
        Assert.Equal(T0.AddDays(2), optIn.Subscriber.NextSendAt);
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([1L, 2L, 3L, 4L], history.Select(entry => entry.Version));
        Assert.Equal([false, false, true, false], history.Select(entry => entry.IsPreferenceChange));
        var entity = (await Table("Subscribers").GetEntityAsync<TableEntity>("subscriber", TestPhones.Alice)).Value;
        Assert.Equal(4, entity.GetInt32("SchemaVersion"));
    }

    [Fact]
    public async Task Writes_carry_the_schema_version_and_preferences_as_optional_properties()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var created = await GetSubscriberEntityAsync();
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences
        {
            TimeZone = "Asia/Jerusalem",
            SendTime = new TimeOnly(6, 5),
            Calendar = FestivalCalendar.Israel,
            PausedUntil = new DateOnly(2025, 4, 21),
        });
        var chosen = await GetSubscriberEntityAsync();
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { Calendar = FestivalCalendar.Diaspora });
        var narrowed = await GetSubscriberEntityAsync();
        var history = (await Table("ConsentHistory").GetEntityAsync<TableEntity>(TestPhones.Alice, "0000000001")).Value;

        string[] preferenceProperties = ["TimeZone", "SendTime", "Calendar", "PausedUntil"];
        Assert.Equal(4, created.GetInt32("SchemaVersion"));
        Assert.Equal(created.GetDateTimeOffset("UpdatedAt"), created.GetDateTimeOffset("NextSendAt"));
        Assert.DoesNotContain(created.Keys, key => preferenceProperties.Contains(key));
        Assert.Equal(["Asia/Jerusalem", "06:05", "israel", "2025-04-21"], preferenceProperties.Select(chosen.GetString));
        Assert.Equal(2L, chosen.GetInt64("Version"));
        Assert.Equal(PreferenceChanges.DefaultAt, chosen.GetDateTimeOffset("UpdatedAt"));
        Assert.Equal(PreferenceChanges.DefaultAt, chosen.GetDateTimeOffset("NextSendAt"));
        Assert.Equal("diaspora", narrowed.GetString("Calendar"));
        Assert.DoesNotContain(narrowed.Keys, key => key is "TimeZone" or "SendTime" or "PausedUntil");
        Assert.Equal(4, history.GetInt32("SchemaVersion"));
    }

    [Fact]
    public async Task An_email_key_is_the_row_key_with_the_email_channel_and_its_state_as_optional_properties()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(Dina).Build());
        var joined = await GetEntityAsync(Dina);
        var refused = await store.ChangeEmailAsync(EmailChangeOf(Dina, EmailChangeKind.Undeliverable, "dina@example.org", T0.AddHours(1)));
        var chosen = await store.SetPreferencesAsync(Dina, new DeliveryPreferences { Channel = DeliveryChannel.Email });
        var changed = await GetEntityAsync(Dina);
        var read = await store.GetAsync(Dina);

        Assert.Equal("email", joined.GetString("Channel"));
        Assert.Equal(4, joined.GetInt32("SchemaVersion"));
        Assert.DoesNotContain(joined.Keys, key => key is "Email" or "EmailConfirmedAt" or "EmailUndeliverableAt" or "DeliveryChannel");
        Assert.True(refused?.Changed);
        Assert.Equal(T0.AddHours(1), changed.GetDateTimeOffset("EmailUndeliverableAt"));
        Assert.Equal("email", changed.GetString("DeliveryChannel"));
        Assert.False(changed.ContainsKey("Email"));
        Assert.Equal(new SubscriberAddresses { Email = "dina@example.org" }, read?.Addresses);
        Assert.Equal(T0.AddHours(1), read?.EmailUndeliverableAt);
        Assert.Equal(DeliveryChannel.Email, read?.Preferences.Channel);
        Assert.Equal(chosen, read);
        Assert.Equal([read!], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal([read!], (await store.ListDueAsync(PreferenceChanges.DefaultAt, null, 10)).Items);
        var index = await CountRowsAsync(Table("Subscribers"), $"RowKey eq '~due~{PreferenceChanges.DefaultAt.ToUnixTimeMilliseconds():D15}~{Dina}'");
        Assert.Equal(1, index);
        Assert.Equal([1L, 2L, 3L], (await store.GetHistoryAsync(Dina)).Select(entry => entry.Version));
        Assert.Equal(3, await CountRowsAsync(Table("ConsentHistory"), $"PartitionKey eq '{Dina}'"));
    }

    [Fact]
    public async Task Linking_confirming_and_removing_an_address_write_its_properties_and_consent_changes_keep_them()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());

        var linked = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Link, "alice@example.org", T0.AddHours(1), DeliveryChannel.Both));
        var linkedEntity = await GetSubscriberEntityAsync();
        await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Confirm, "alice@example.org", T0.AddHours(2)));
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(T0.AddHours(3)).Build());
        var optedOutEntity = await GetSubscriberEntityAsync();
        var removed = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Remove, "alice@example.org", T0.AddHours(4)));
        var removedEntity = await GetSubscriberEntityAsync();

        Assert.True(linked?.Changed);
        Assert.Equal(["alice@example.org", "both"], new[] { linkedEntity.GetString("Email"), linkedEntity.GetString("DeliveryChannel") });
        Assert.False(linkedEntity.ContainsKey("EmailConfirmedAt"));
        Assert.Equal(T0.AddHours(1), linkedEntity.GetDateTimeOffset("NextSendAt"));
        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice, Email = "alice@example.org" }, optOut.Subscriber.Addresses);
        Assert.Equal(T0.AddHours(2), optOut.Subscriber.EmailConfirmedAt);
        Assert.Equal(DeliveryChannel.Both, optOut.Subscriber.Preferences.Channel);
        Assert.Equal(T0.AddHours(2), optedOutEntity.GetDateTimeOffset("EmailConfirmedAt"));
        Assert.Equal("alice@example.org", optedOutEntity.GetString("Email"));
        Assert.True(removed?.Changed);
        Assert.Equal(ConsentStatus.OptedOut, removed?.Subscriber.Status);
        Assert.DoesNotContain(removedEntity.Keys, key => key is "Email" or "EmailConfirmedAt" or "EmailUndeliverableAt" or "DeliveryChannel");
        Assert.Equal(removed?.Subscriber, await store.GetAsync(TestPhones.Alice));
        var history = await store.GetHistoryAsync(TestPhones.Alice);
        Assert.Equal([false, true, true, false, true], history.Select(entry => entry.IsEmailChange));
        Assert.Equal(["linked", "confirmed", "removed"], history.Where(entry => entry.IsEmailChange).Select(entry => entry.Evidence.EmailState));
    }

    [Fact]
    public async Task Entities_written_before_email_subscribers_read_without_an_address_and_with_the_default_channel()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.CountAsync(ConsentStatus.OptedIn); // creates the tables
        await PutUnversionedAsync(new ConsentEvidence(Keyword: "STOP"));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        var linked = await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Alice, EmailChangeKind.Link, "alice@example.org", T0.AddDays(2)));

        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Alice }, subscriber?.Addresses);
        Assert.Null(subscriber?.Preferences.Channel);
        Assert.Equal(DeliveryChannel.WhatsApp, subscriber?.EffectiveChannel);
        Assert.Null(subscriber?.EmailConfirmedAt);
        Assert.Null(subscriber?.EmailUndeliverableAt);
        Assert.Null(subscriber?.DeliverableEmail);
        Assert.Equal(3, linked?.Subscriber.Version);
        var entity = await GetSubscriberEntityAsync();
        Assert.Equal(4, entity.GetInt32("SchemaVersion"));
        Assert.Equal("alice@example.org", entity.GetString("Email"));
        Assert.Equal("whatsapp", entity.GetString("Channel"));
    }

    [Fact]
    public async Task Bad_email_keys_and_addresses_write_nothing_and_unknown_keys_are_not_recorded()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(Dina).Build());

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("mailto:Dina@example.org"));
        await Assert.ThrowsAsync<ArgumentException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptIn("mailto:nobody").Build()));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ChangeEmailAsync(EmailChangeOf(Dina, EmailChangeKind.Undeliverable, "Dina@Example.org", T0.AddHours(1))));
        Assert.Null(await store.ChangeEmailAsync(EmailChangeOf(TestPhones.Bob, EmailChangeKind.Link, "bob@example.org", T0.AddHours(1))));

        Assert.Equal(1, (await store.GetAsync(Dina))?.Version);
        Assert.Null(await store.GetAsync(TestPhones.Bob));
        Assert.Equal(1, await CountRowsAsync(Table("ConsentHistory"), null));
    }

    [Fact]
    public async Task An_entity_of_a_newer_schema_is_refused_and_never_overwritten()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.CountAsync(ConsentStatus.OptedIn); // creates the tables
        var newer = new TableEntity("subscriber", TestPhones.Alice)
        {
            ["Channel"] = "whatsapp",
            ["Status"] = "opted_in",
            ["Purpose"] = "daily_mitzvot",
            ["Source"] = "admin",
            ["Evidence"] = "{}",
            ["CreatedAt"] = T0,
            ["UpdatedAt"] = T0,
            ["Version"] = 1L,
            ["SchemaVersion"] = 5,
            ["Email"] = "alice@example.org",
        };
        await Table("Subscribers").AddEntityAsync(newer);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync(TestPhones.Alice));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).Build()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { TimeZone = "UTC" }));

        Assert.Contains("schema version 5", error.Message, StringComparison.Ordinal);
        var stored = await GetSubscriberEntityAsync();
        Assert.Equal("alice@example.org", stored.GetString("Email"));
        Assert.Equal("opted_in", stored.GetString("Status"));
        Assert.Equal(5, stored.GetInt32("SchemaVersion"));
    }

    [Fact]
    public async Task A_fresh_account_gets_its_tables_once_under_concurrent_first_use()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var phones = Enumerable.Range(0, 16).Select(TestPhones.Numbered).ToList();

        await Task.WhenAll(phones.Select(phone => Task.Run(() => store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).Build()))));

        Assert.Equal(16, await store.CountAsync(ConsentStatus.OptedIn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1Mitzvah")]
    [InlineData("Mitzvah-Prod")]
    [InlineData("Mitzvah_")]
    [InlineData("A12345678901234567890123456789012345678901234567890")]
    public void Prefixes_that_make_invalid_table_names_are_rejected(string prefix)
    {
        var client = azurite.CreateServiceClient();

        Assert.ThrowsAny<ArgumentException>(() => new TableStorageSubscriberStore(client, prefix));
        Assert.ThrowsAny<ArgumentException>(() => new TableStorageDeliveryLedger(client, prefix));
    }

    private TableClient Table(string suffix) => azurite.CreateServiceClient().GetTableClient(_prefix + suffix);

    private async Task<TableEntity> GetSubscriberEntityAsync() => await GetEntityAsync(TestPhones.Alice);

    private async Task<TableEntity> GetEntityAsync(string key) =>
        (await Table("Subscribers").GetEntityAsync<TableEntity>("subscriber", key)).Value;

    private static EmailChange EmailChangeOf(string key, EmailChangeKind kind, string address, DateTimeOffset at, DeliveryChannel? channel = null) =>
        new(key, kind, address, ConsentSource.WebForm, new ConsentEvidence(IpAddress: "203.0.113.9"), at, channel);

    /// <summary>
    /// A subscriber and its history exactly as this store wrote them before entities carried <c>SchemaVersion</c>:
    /// opted in, then out.
    /// </summary>
    private async Task PutUnversionedAsync(ConsentEvidence evidence)
    {
        await Table("Subscribers").AddEntityAsync(new TableEntity("subscriber", TestPhones.Alice)
        {
            ["Channel"] = "whatsapp",
            ["Status"] = "opted_out",
            ["Purpose"] = "daily_mitzvot",
            ["Source"] = "whatsapp_keyword",
            ["Evidence"] = evidence.ToJson(),
            ["CreatedAt"] = T0,
            ["UpdatedAt"] = T0.AddDays(1),
            ["Version"] = 2L,
        });
        await Table("ConsentHistory").AddEntityAsync(new TableEntity(TestPhones.Alice, "0000000001")
        {
            ["Status"] = "opted_in",
            ["Source"] = "admin",
            ["Evidence"] = """{"actor":"import"}""",
            ["RecordedAt"] = T0,
            ["Version"] = 1L,
        });
        await Table("ConsentHistory").AddEntityAsync(new TableEntity(TestPhones.Alice, "0000000002")
        {
            ["Status"] = "opted_out",
            ["Source"] = "whatsapp_keyword",
            ["Evidence"] = evidence.ToJson(),
            ["RecordedAt"] = T0.AddDays(1),
            ["Version"] = 2L,
        });
    }

    private static List<JsonElement> Rows(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("value").EnumerateArray().Select(row => row.Clone()).ToList();
    }

    private static async Task<int> CountRowsAsync(TableClient table, string? filter)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter))
        {
            count++;
        }

        return count;
    }
}
