using Microsoft.Data.Sqlite;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Sqlite.Tests;

/// <summary>The schema version of the database file and its migration, from files as earlier versions wrote them.</summary>
public sealed class SqliteSchemaMigrationTests : IDisposable
{
    /// <summary>
    /// The schema exactly as the version before schema versions created it (and left at <c>user_version</c> 0): a
    /// frozen copy, not the production script, so that a change there cannot make this test pass by itself.
    /// </summary>
    private const string UnversionedSchema = """
        PRAGMA journal_mode = WAL;

        CREATE TABLE IF NOT EXISTS subscribers (
            phone      TEXT    NOT NULL PRIMARY KEY,
            channel    TEXT    NOT NULL,
            status     TEXT    NOT NULL,
            purpose    TEXT    NOT NULL,
            source     TEXT    NOT NULL,
            evidence   TEXT    NOT NULL,
            created_at TEXT    NOT NULL,
            updated_at TEXT    NOT NULL,
            version    INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE INDEX IF NOT EXISTS ix_subscribers_status_phone ON subscribers (status, phone);

        CREATE TABLE IF NOT EXISTS consent_history (
            phone       TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            status      TEXT    NOT NULL,
            source      TEXT    NOT NULL,
            evidence    TEXT    NOT NULL,
            recorded_at TEXT    NOT NULL,
            PRIMARY KEY (phone, version)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS deliveries (
            study_date       TEXT    NOT NULL,
            phone            TEXT    NOT NULL,
            state            TEXT    NOT NULL,
            claim_id         TEXT    NOT NULL,
            attempts         INTEGER NOT NULL,
            lease_expires_at TEXT    NOT NULL,
            message_sid      TEXT,
            error_code       TEXT,
            permanent        INTEGER NOT NULL,
            updated_at       TEXT    NOT NULL,
            PRIMARY KEY (study_date, phone)
        ) WITHOUT ROWID;
        """;

    /// <summary>Step 2 as it was released (a frozen copy), which with <c>user_version</c> 2 makes a version-2 file.</summary>
    private const string Version2Step = """
        ALTER TABLE subscribers ADD COLUMN time_zone TEXT;
        ALTER TABLE subscribers ADD COLUMN send_time TEXT;
        ALTER TABLE subscribers ADD COLUMN calendar TEXT;
        ALTER TABLE subscribers ADD COLUMN paused_until TEXT;
        """;

    /// <summary>Step 3 as it was released (a frozen copy), which after step 2 and with <c>user_version</c> 3 makes a version-3 file.</summary>
    private const string Version3Step = """
        ALTER TABLE deliveries ADD COLUMN delivery_status TEXT;
        ALTER TABLE deliveries ADD COLUMN delivery_rank INTEGER;
        ALTER TABLE deliveries ADD COLUMN delivery_error_code TEXT;
        ALTER TABLE deliveries ADD COLUMN delivery_status_at TEXT;
        """;

    /// <summary>Step 4 as it was released (a frozen copy).</summary>
    private const string Version4Step = """
        ALTER TABLE subscribers ADD COLUMN last_inbound_at TEXT;
        ALTER TABLE deliveries ADD COLUMN message_form TEXT;
        ALTER TABLE deliveries ADD COLUMN resent_as_template INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN outside_window INTEGER NOT NULL DEFAULT 0;
        """;

    /// <summary>Step 5 as it was released (a frozen copy), which after steps 2-4 and with <c>user_version</c> 5 makes a version-5 file.</summary>
    private const string Version5Step = """
        ALTER TABLE subscribers ADD COLUMN unreachable_since TEXT;
        ALTER TABLE subscribers ADD COLUMN unreachable_error_code TEXT;

        CREATE INDEX IF NOT EXISTS ix_subscribers_recipients ON subscribers (phone)
            WHERE status = 'opted_in' AND unreachable_since IS NULL;
        CREATE INDEX IF NOT EXISTS ix_subscribers_unreachable ON subscribers (phone)
            WHERE unreachable_since IS NOT NULL;

        CREATE TABLE IF NOT EXISTS rate_limits (
            scope        TEXT    NOT NULL,
            client       TEXT    NOT NULL,
            window_start INTEGER NOT NULL,
            count        INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL,
            PRIMARY KEY (scope, client, window_start)
        ) WITHOUT ROWID;

        CREATE INDEX IF NOT EXISTS ix_rate_limits_expires_at ON rate_limits (expires_at);
        """;

    /// <summary>Step 6 as it was released (a frozen copy), which after steps 2-5 and with <c>user_version</c> 6 makes a version-6 file.</summary>
    private const string Version6Step = """
        ALTER TABLE subscribers ADD COLUMN next_send_at TEXT;

        UPDATE subscribers SET next_send_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 'opted_in';

        CREATE INDEX IF NOT EXISTS ix_subscribers_due ON subscribers (next_send_at, phone)
            WHERE status = 'opted_in' AND unreachable_since IS NULL AND next_send_at IS NOT NULL;
        """;

    /// <summary>
    /// Rows a version-5 file holds beside <see cref="UnversionedRows"/>: an opted-in number marked unreachable, one
    /// pending and one more opted in with preferences.
    /// </summary>
    private const string Version5Rows = """
        INSERT INTO subscribers (phone, channel, status, purpose, source, evidence, created_at, updated_at, version,
            time_zone, send_time, calendar, paused_until, last_inbound_at, unreachable_since, unreachable_error_code) VALUES
            ('+15550000103', 'whatsapp', 'opted_in', 'daily_mitzvot', 'delivery', '{"actor":"delivery-status","delivery_state":"unreachable","error_code":"63024"}',
             '2025-01-07T10:00:00.000Z', '2025-02-01T16:00:00.000Z', 2, NULL, NULL, NULL, NULL, NULL, '2025-02-01T16:00:00.000Z', '63024'),
            ('+15550000104', 'whatsapp', 'pending', 'daily_mitzvot', 'web_form', '{"consent_text_version":"2025-01"}',
             '2025-02-02T10:00:00.000Z', '2025-02-02T10:00:00.000Z', 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            ('+15550000105', 'whatsapp', 'opted_in', 'daily_mitzvot', 'admin', '{"actor":"import"}',
             '2025-01-08T10:00:00.000Z', '2025-01-08T10:00:00.000Z', 1, 'Asia/Jerusalem', '06:45', 'israel', NULL, '2025-02-03T07:00:00.000Z', NULL, NULL);
        """;

    /// <summary>Rows as that version wrote them: a number that opted in and out again, one opted in, a day's ledger.</summary>
    private const string UnversionedRows = """
        INSERT INTO subscribers VALUES
            ('+15550000101', 'whatsapp', 'opted_out', 'daily_mitzvot', 'whatsapp_keyword',
             '{"keyword":"STOP","message_sid":"SM0123456789abcdef0123456789abcdef","to":"whatsapp:+14155238886"}',
             '2025-01-05T09:00:00.000Z', '2025-02-10T18:30:45.123Z', 2),
            ('+15550000102', 'whatsapp', 'opted_in', 'daily_mitzvot', 'web_form',
             '{"consent_text_version":"2025-01","ip_address":"203.0.113.7","user_agent":"Mozilla/5.0"}',
             '2025-01-06T10:00:00.000Z', '2025-01-06T10:00:00.000Z', 1);

        INSERT INTO consent_history VALUES
            ('+15550000101', 1, 'opted_in', 'admin', '{"actor":"import"}', '2025-01-05T09:00:00.000Z'),
            ('+15550000101', 2, 'opted_out', 'whatsapp_keyword',
             '{"keyword":"STOP","message_sid":"SM0123456789abcdef0123456789abcdef","to":"whatsapp:+14155238886"}',
             '2025-02-10T18:30:45.123Z'),
            ('+15550000102', 1, 'opted_in', 'web_form',
             '{"consent_text_version":"2025-01","ip_address":"203.0.113.7","user_agent":"Mozilla/5.0"}',
             '2025-01-06T10:00:00.000Z');

        INSERT INTO deliveries VALUES
            ('2025-02-09', '+15550000101', 'sent', '0123456789abcdef0123456789abcdef', 1,
             '2025-02-09T16:05:00.000Z', 'SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', NULL, 0, '2025-02-09T16:00:01.250Z'),
            ('2025-02-09', '+15550000102', 'failed', 'fedcba9876543210fedcba9876543210', 2,
             '2025-02-09T16:10:00.000Z', NULL, '63024', 1, '2025-02-09T16:05:02.500Z'),
            ('2025-02-10', '+15550000102', 'claimed', '00112233445566778899aabbccddeeff', 1,
             '2025-02-10T16:05:00.000Z', NULL, NULL, 0, '2025-02-10T16:00:00.000Z');
        """;

    private static readonly ConsentEvidence StopEvidence = new(Keyword: "STOP", MessageId: "SM0123456789abcdef0123456789abcdef", To: "whatsapp:+14155238886");
    private static readonly ConsentEvidence WebEvidence = new(ConsentTextVersion: "2025-01", IpAddress: "203.0.113.7", UserAgent: "Mozilla/5.0");

    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_file_written_before_schema_versions_migrates_and_reads_back_unchanged_with_default_preferences()
    {
        var path = await CreateUnversionedFileAsync();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = path });

        var beforeMigration = WholeMilliseconds(DateTimeOffset.UtcNow);
        var alice = await store.GetAsync(TestPhones.Alice);
        var afterMigration = DateTimeOffset.UtcNow;
        var bob = await store.GetAsync(TestPhones.Bob);

        Assert.Equal(
            new Subscriber
            {
                Phone = TestPhones.Alice,
                Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Alice },
                Channel = "whatsapp",
                Status = ConsentStatus.OptedOut,
                Purpose = "daily_mitzvot",
                Source = ConsentSource.WhatsAppKeyword,
                Evidence = StopEvidence,
                CreatedAt = At("2025-01-05T09:00:00.000Z"),
                UpdatedAt = At("2025-02-10T18:30:45.123Z"),
                Version = 2,
                Preferences = DeliveryPreferences.OperatorDefaults,
            },
            alice);
        Assert.Equal(
            new Subscriber
            {
                Phone = TestPhones.Bob,
                Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Bob },
                Channel = "whatsapp",
                Status = ConsentStatus.OptedIn,
                Purpose = "daily_mitzvot",
                Source = ConsentSource.WebForm,
                Evidence = WebEvidence,
                CreatedAt = At("2025-01-06T10:00:00.000Z"),
                UpdatedAt = At("2025-01-06T10:00:00.000Z"),
                Version = 1,
                Preferences = DeliveryPreferences.OperatorDefaults,

                // Opted in: due from the migration on (its time is checked below).
                NextSendAt = bob?.NextSendAt,
            },
            bob);
        Assert.InRange(bob!.NextSendAt!.Value, beforeMigration, afterMigration);
        Assert.Equal(
            [
                new ConsentHistoryEntry(TestPhones.Alice, 1, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "import"), At("2025-01-05T09:00:00.000Z")),
                new ConsentHistoryEntry(TestPhones.Alice, 2, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, StopEvidence, At("2025-02-10T18:30:45.123Z")),
            ],
            await store.GetHistoryAsync(TestPhones.Alice));
        Assert.Equal(
            [new ConsentHistoryEntry(TestPhones.Bob, 1, ConsentStatus.OptedIn, ConsentSource.WebForm, WebEvidence, At("2025-01-06T10:00:00.000Z"))],
            await store.GetHistoryAsync(TestPhones.Bob));
        Assert.Equal([bob!], (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.Equal(1, await store.CountAsync(ConsentStatus.OptedOut));

        Assert.Equal(
            [
                new DeliveryRecord
                {
                    StudyDate = new DateOnly(2025, 2, 9),
                    Phone = TestPhones.Alice,
                    State = DeliveryState.Sent,
                    ClaimId = "0123456789abcdef0123456789abcdef",
                    Attempts = 1,
                    LeaseExpiresAt = At("2025-02-09T16:05:00.000Z"),
                    MessageId = "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    ErrorCode = null,
                    Permanent = false,
                    UpdatedAt = At("2025-02-09T16:00:01.250Z"),
                    DeliveryStatus = null,
                    DeliveryErrorCode = null,
                    DeliveryStatusAt = null,
                },
                new DeliveryRecord
                {
                    StudyDate = new DateOnly(2025, 2, 9),
                    Phone = TestPhones.Bob,
                    State = DeliveryState.Failed,
                    ClaimId = "fedcba9876543210fedcba9876543210",
                    Attempts = 2,
                    LeaseExpiresAt = At("2025-02-09T16:10:00.000Z"),
                    MessageId = null,
                    ErrorCode = "63024",
                    Permanent = true,
                    UpdatedAt = At("2025-02-09T16:05:02.500Z"),
                    DeliveryStatus = null,
                    DeliveryErrorCode = null,
                    DeliveryStatusAt = null,
                },
            ],
            await ledger.ListAsync(new DateOnly(2025, 2, 9)));
        var claimed = await ledger.GetAsync(new DateOnly(2025, 2, 10), TestPhones.Bob);
        Assert.Equal(DeliveryState.Claimed, claimed?.State);
        Assert.Null(claimed?.MessageId);

        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
        Assert.Equal(
            ["phone", "channel", "status", "purpose", "source", "evidence", "created_at", "updated_at", "version", "time_zone", "send_time", "calendar", "paused_until",
                "last_inbound_at", "unreachable_since", "unreachable_error_code", "next_send_at", "email", "email_confirmed_at", "email_undeliverable_at", "channel_choice"],
            await SqliteFile.ColumnsAsync(path, "subscribers"));
    }

    [Fact]
    public async Task A_version_3_file_keeps_its_recipients_and_takes_unreachable_marks_and_rate_counters()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(connection, Version2Step + Version3Step + "PRAGMA user_version = 3;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var recipients = (await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items.Select(subscriber => subscriber.Phone).ToList();
        var marked = await store.RecordReachabilityAsync(new ReachabilityChange
        {
            Phone = TestPhones.Bob, Unreachable = true, ErrorCode = "63003", Actor = "delivery-status", Note = "3 days", At = At("2025-03-01T16:00:00.000Z"),
        });
        var limiter = new SqliteRateLimiter(new SqliteStoreOptions { DatabasePath = path });

        Assert.Equal([TestPhones.Bob], recipients);
        Assert.True(marked?.Changed);
        Assert.Empty((await store.ListAsync(ConsentStatus.OptedIn, null, 10)).Items);
        Assert.True((await limiter.TryAcquireAsync("web-optin", "203.0.113.7", 1, TimeSpan.FromHours(1), At("2025-03-01T16:00:00.000Z"))).Allowed);
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
    }

    [Fact]
    public async Task A_migrated_file_takes_preferences_and_further_consent_changes()
    {
        var path = await CreateUnversionedFileAsync();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var preferences = new DeliveryPreferences { TimeZone = "Europe/Paris", Calendar = FestivalCalendar.Diaspora };

        var updated = await store.SetPreferencesAsync(TestPhones.Bob, preferences);
        var optOut = await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Bob).At(At("2025-03-01T08:00:00.000Z")).Build());

        Assert.Equal(preferences, updated?.Preferences);
        Assert.Equal(2, updated?.Version);
        Assert.Equal(3, optOut.Subscriber.Version);
        Assert.Equal(preferences, optOut.Subscriber.Preferences);
        Assert.Equal(At("2025-01-06T10:00:00.000Z"), optOut.Subscriber.CreatedAt);
        Assert.Equal([false, true, false], (await store.GetHistoryAsync(TestPhones.Bob)).Select(entry => entry.IsPreferenceChange));
        Assert.Equal([1L, 2L, 3L], (await store.GetHistoryAsync(TestPhones.Bob)).Select(entry => entry.Version));
    }

    [Fact]
    public async Task A_version_2_file_gains_delivery_statuses_and_its_sent_rows_take_callbacks()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(connection, Version2Step + "PRAGMA user_version = 2;");
        }

        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = path });
        var day = new DateOnly(2025, 2, 9);
        var before = await ledger.GetAsync(day, TestPhones.Alice);
        var applied = await ledger.RecordStatusAsync(day, TestPhones.Alice, "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", DeliveryStatus.Delivered, null, At("2025-02-09T16:00:09.000Z"));

        Assert.Null(before?.DeliveryStatus);
        Assert.True(applied);
        Assert.Equal(
            before! with { DeliveryStatus = DeliveryStatus.Delivered, DeliveryStatusAt = At("2025-02-09T16:00:09.000Z"), UpdatedAt = At("2025-02-09T16:00:09.000Z") },
            await ledger.GetAsync(day, TestPhones.Alice));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
        Assert.Contains("delivery_status", await SqliteFile.ColumnsAsync(path, "deliveries"));
    }

    [Fact]
    public async Task A_version_3_file_gains_inbound_times_and_message_forms_read_as_unknown()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(connection, Version2Step + Version3Step + "PRAGMA user_version = 3;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = path });
        var day = new DateOnly(2025, 2, 9);

        var bob = await store.GetAsync(TestPhones.Bob);
        var sent = await ledger.GetAsync(day, TestPhones.Alice);
        var recorded = await store.RecordInboundAsync(TestPhones.Bob, At("2025-03-01T08:00:00.000Z"));

        Assert.Null(bob!.LastInboundAt);
        Assert.Null(sent!.Form);
        Assert.False(sent.ResentAsTemplate);
        Assert.False(sent.OutsideWindow);
        Assert.Equal("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", sent.MessageId);
        Assert.True(recorded);
        Assert.Equal(bob with { LastInboundAt = At("2025-03-01T08:00:00.000Z") }, await store.GetAsync(TestPhones.Bob));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
    }

    [Fact]
    public async Task A_version_5_file_makes_its_reachable_opted_in_subscribers_due_at_once()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(connection, Version2Step + Version3Step + Version4Step + Version5Step + Version5Rows + "PRAGMA user_version = 5;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var beforeMigration = WholeMilliseconds(DateTimeOffset.UtcNow);
        await store.CountAsync(ConsentStatus.OptedIn);
        var afterMigration = DateTimeOffset.UtcNow;
        var due = await store.ListDueAsync(afterMigration, null, 10);
        var unreachable = await store.GetAsync("+15550000103");

        // Bob and 105 (opted in, reachable) are due; Alice (opted out), 103 (unreachable) and 104 (pending) are not.
        Assert.Equal([TestPhones.Bob, "+15550000105"], due.Items.Select(subscriber => subscriber.Phone).Order(StringComparer.Ordinal));
        Assert.All(due.Items, subscriber => Assert.InRange(subscriber.NextSendAt!.Value, beforeMigration, afterMigration));
        Assert.Equal(new DeliveryPreferences { TimeZone = "Asia/Jerusalem", SendTime = new TimeOnly(6, 45), Calendar = FestivalCalendar.Israel },
            due.Items.Single(subscriber => subscriber.Phone == "+15550000105").Preferences);
        Assert.Null((await store.GetAsync(TestPhones.Alice))?.NextSendAt);
        Assert.Null((await store.GetAsync("+15550000104"))?.NextSendAt);
        Assert.Equal((ConsentStatus.OptedIn, 2L, "63024"), (unreachable!.Status, unreachable.Version, unreachable.UnreachableErrorCode));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
        Assert.Contains("next_send_at", await SqliteFile.ColumnsAsync(path, "subscribers"));

        // The unreachable one becomes due when its mark is cleared, like any cleared mark.
        var cleared = await store.RecordReachabilityAsync(new ReachabilityChange
        {
            Phone = "+15550000103", Unreachable = false, ErrorCode = null, Actor = "ops", Note = "number fixed", At = At("2030-01-01T12:00:00.000Z"),
        });
        Assert.Equal(At("2030-01-01T12:00:00.000Z"), cleared?.Subscriber.NextSendAt);
        Assert.Contains("+15550000103", (await store.ListDueAsync(At("2030-01-01T12:00:00.000Z"), null, 10)).Items.Select(subscriber => subscriber.Phone));
    }

    [Fact]
    public async Task A_version_6_file_reads_without_email_state_and_takes_email_changes_and_email_subscribers()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(
                connection, Version2Step + Version3Step + Version4Step + Version5Step + Version5Rows + Version6Step + "PRAGMA user_version = 6;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var bob = await store.GetAsync(TestPhones.Bob);
        var withPreferences = await store.GetAsync("+15550000105");
        var linked = await store.ChangeEmailAsync(new EmailChange(
            TestPhones.Bob, EmailChangeKind.Link, "dina@example.org", ConsentSource.WebForm, WebEvidence, At("2025-03-01T08:00:00.000Z"), DeliveryChannel.Both));
        var emailOnly = await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(AddressKey.ForEmail("eli@example.org")).At(At("2025-03-01T09:00:00.000Z")).Build());

        Assert.Equal(new SubscriberAddresses { WhatsApp = TestPhones.Bob }, bob!.Addresses);
        Assert.Equal((null, null, null), (bob.EmailConfirmedAt, bob.EmailUndeliverableAt, bob.Preferences.Channel));
        Assert.Equal(DeliveryChannel.WhatsApp, bob.EffectiveChannel);
        Assert.Equal(new DeliveryPreferences { TimeZone = "Asia/Jerusalem", SendTime = new TimeOnly(6, 45), Calendar = FestivalCalendar.Israel }, withPreferences!.Preferences);
        Assert.Equal(
            bob with
            {
                Addresses = new SubscriberAddresses { WhatsApp = TestPhones.Bob, Email = "dina@example.org" },
                Preferences = new DeliveryPreferences { Channel = DeliveryChannel.Both },
                Evidence = WebEvidence with { Email = "dina@example.org", EmailState = ConsentNames.EmailLinked },
                UpdatedAt = At("2025-03-01T08:00:00.000Z"),
                Version = 2,
                NextSendAt = At("2025-03-01T08:00:00.000Z"),
            },
            await store.GetAsync(TestPhones.Bob));
        Assert.True(linked?.Changed);
        Assert.Equal((ConsentNames.EmailChannel, "eli@example.org"), (emailOnly.Subscriber.Channel, emailOnly.Subscriber.Addresses.Email));
        Assert.Equal(emailOnly.Subscriber, await store.GetAsync(AddressKey.ForEmail("eli@example.org")));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
    }

    [Fact]
    public async Task A_new_file_is_created_at_the_current_version()
    {
        var path = _directory.NewDatabasePath();

        await new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path }).CountAsync(ConsentStatus.OptedIn);

        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
        Assert.Contains("paused_until", await SqliteFile.ColumnsAsync(path, "subscribers"));
        Assert.Contains("last_inbound_at", await SqliteFile.ColumnsAsync(path, "subscribers"));
    }

    [Fact]
    public async Task Reopening_a_current_file_changes_nothing()
    {
        var path = _directory.NewDatabasePath();
        var first = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        await first.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var stored = await first.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { SendTime = new TimeOnly(9, 15) });
        SqliteConnection.ClearAllPools();

        var second = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });

        Assert.Equal(stored, await second.GetAsync(TestPhones.Alice));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
    }

    [Fact]
    public async Task Stores_that_open_one_old_file_at_once_migrate_it_once()
    {
        var path = await CreateUnversionedFileAsync();

        var read = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path }).GetAsync(TestPhones.Alice))));

        Assert.All(read, subscriber => Assert.Equal(2, subscriber?.Version));
        Assert.Equal(7, await SqliteFile.UserVersionAsync(path));
    }

    [Fact]
    public async Task A_file_of_a_newer_schema_is_refused_with_a_clear_message_and_left_as_it_was()
    {
        var path = _directory.NewDatabasePath();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            await SqliteFile.ExecuteAsync(connection, UnversionedSchema.Replace("PRAGMA journal_mode = WAL;", string.Empty, StringComparison.Ordinal));
            await SqliteFile.ExecuteAsync(connection, "PRAGMA user_version = 8;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var ledger = new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = path });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.GetAsync(TestPhones.Alice));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.ListAsync(new DateOnly(2025, 2, 9)));
        Assert.Contains("schema version 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("up to 7", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(8, await SqliteFile.UserVersionAsync(path));
        Assert.DoesNotContain("time_zone", await SqliteFile.ColumnsAsync(path, "subscribers"));
        await using var check = await SqliteFile.OpenAsync(path);
        Assert.Equal(["delete"], await SqliteFile.QueryStringsAsync(check, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task A_migration_that_fails_part_way_leaves_the_file_at_its_old_version()
    {
        var path = await CreateUnversionedFileAsync();
        await using (var connection = await SqliteFile.OpenAsync(path))
        {
            // The last column of step 2 already exists, so the step fails after adding the others.
            await SqliteFile.ExecuteAsync(connection, "ALTER TABLE subscribers ADD COLUMN paused_until TEXT;");
        }

        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });

        await Assert.ThrowsAsync<SqliteException>(() => store.GetAsync(TestPhones.Alice));
        Assert.Equal(0, await SqliteFile.UserVersionAsync(path));
        Assert.Equal(
            ["phone", "channel", "status", "purpose", "source", "evidence", "created_at", "updated_at", "version", "paused_until"],
            await SqliteFile.ColumnsAsync(path, "subscribers"));
    }

    private async Task<string> CreateUnversionedFileAsync()
    {
        var path = _directory.NewDatabasePath();
        await using var connection = await SqliteFile.OpenAsync(path);
        await SqliteFile.ExecuteAsync(connection, UnversionedSchema);
        await SqliteFile.ExecuteAsync(connection, UnversionedRows);
        return path;
    }

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset value) =>
        DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
}
