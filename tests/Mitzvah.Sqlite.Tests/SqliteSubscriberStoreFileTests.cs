using Mitzvah.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;
using SQLitePCL;

namespace Mitzvah.Sqlite.Tests;

/// <summary>What the SQLite store does beyond the contract: the file, its schema and its storage format.</summary>
public sealed class SqliteSubscriberStoreFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Schema_is_created_in_a_new_nested_directory_on_first_use()
    {
        var path = Path.Combine(_directory.Path, "nested", "deeper", "mitzvah.db");
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));

        Assert.Equal(0, await store.CountAsync(ConsentStatus.OptedIn));

        Assert.True(File.Exists(path));
        await using var connection = await SqliteFile.OpenAsync(path);
        Assert.Equal(["consent_history", "deliveries", "rate_limits", "subscribers"], await SqliteFile.QueryStringsAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;"));
        Assert.Equal(
            ["ix_rate_limits_expires_at", "ix_subscribers_due", "ix_subscribers_recipients", "ix_subscribers_status_phone", "ix_subscribers_unreachable"],
            await SqliteFile.QueryStringsAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name;"));
        Assert.Equal(["wal"], await SqliteFile.QueryStringsAsync(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Data_survives_a_new_store_instance_on_the_same_file()
    {
        var path = _directory.NewDatabasePath();
        var first = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        await first.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        var optOut = await first.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Alice).At(ConsentChangeBuilder.DefaultAt.AddDays(1)).Build());
        var history = await first.GetHistoryAsync(TestPhones.Alice);

        var second = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });

        Assert.Equal(optOut.Subscriber, await second.GetAsync(TestPhones.Alice));
        Assert.Equal(history, await second.GetHistoryAsync(TestPhones.Alice));
        var next = await second.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(ConsentChangeBuilder.DefaultAt.AddDays(2)).Build());
        Assert.Equal(3, next.Subscriber.Version);
    }

    [Fact]
    public async Task Rows_use_the_shared_storage_names_json_evidence_and_utc_millisecond_text()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var at = new DateTimeOffset(2025, 3, 1, 9, 30, 15, 123, TimeSpan.FromHours(-6)).AddTicks(4567);
        var change = ConsentChangeBuilder.OptOut(TestPhones.Alice).ByAdmin("ops", "asked by phone").At(at).Build();

        await store.RecordConsentAsync(change);

        await using var connection = await SqliteFile.OpenAsync(path);
        Assert.Equal(
            [TestPhones.Alice, "whatsapp", "opted_out", "daily_mitzvot", "admin", change.Evidence.ToJson(), "2025-03-01T15:30:15.123Z", "2025-03-01T15:30:15.123Z", "1"],
            await SqliteFile.QueryStringsAsync(connection, "SELECT phone, channel, status, purpose, source, evidence, created_at, updated_at, CAST(version AS TEXT) FROM subscribers;"));
        Assert.Equal(
            [TestPhones.Alice, "1", "opted_out", "admin", change.Evidence.ToJson(), "2025-03-01T15:30:15.123Z"],
            await SqliteFile.QueryStringsAsync(connection, "SELECT phone, CAST(version AS TEXT), status, source, evidence, recorded_at FROM consent_history;"));
    }

    [Fact]
    public async Task Preferences_are_nullable_subscriber_columns_in_the_shared_text_forms()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());
        const string Columns = "SELECT time_zone, send_time, calendar, paused_until FROM subscribers;";

        await using var connection = await SqliteFile.OpenAsync(path);
        var unset = await SqliteFile.QueryStringsAsync(connection, Columns);
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences
        {
            TimeZone = "Asia/Jerusalem",
            SendTime = new TimeOnly(6, 5),
            Calendar = FestivalCalendar.Israel,
            PausedUntil = new DateOnly(2025, 4, 21),
        });
        var set = await SqliteFile.QueryStringsAsync(connection, Columns);
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { Calendar = FestivalCalendar.Diaspora });
        var narrowed = await SqliteFile.QueryStringsAsync(connection, Columns);

        Assert.Equal([null, null, null, null], unset);
        Assert.Equal(["Asia/Jerusalem", "06:05", "israel", "2025-04-21"], set);
        Assert.Equal([null, null, "diaspora", null], narrowed);
    }

    [Fact]
    public async Task Email_state_and_the_channel_choice_are_nullable_columns_and_an_email_key_is_the_phone_column()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var at = ConsentChangeBuilder.DefaultAt;
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(at).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(AddressKey.ForEmail("eli@example.org")).At(at).Build());
        const string Row = "SELECT channel, email, email_confirmed_at, email_undeliverable_at, channel_choice FROM subscribers ORDER BY phone;";
        var evidence = new ConsentEvidence(Actor: "ops");

        await using var connection = await SqliteFile.OpenAsync(path);
        var joined = await SqliteFile.QueryStringsAsync(connection, Row);
        await store.ChangeEmailAsync(new EmailChange(TestPhones.Alice, EmailChangeKind.Link, "dina@example.org", ConsentSource.Admin, evidence, at.AddHours(1), DeliveryChannel.Fallback));
        await store.ChangeEmailAsync(new EmailChange(TestPhones.Alice, EmailChangeKind.Confirm, "dina@example.org", ConsentSource.Admin, evidence, at.AddHours(2)));
        await store.ChangeEmailAsync(new EmailChange(TestPhones.Alice, EmailChangeKind.Undeliverable, "dina@example.org", ConsentSource.Delivery, evidence, at.AddHours(3)));
        await store.ChangeEmailAsync(new EmailChange(AddressKey.ForEmail("eli@example.org"), EmailChangeKind.Undeliverable, "eli@example.org", ConsentSource.Delivery, evidence, at.AddHours(3)));
        var changed = await SqliteFile.QueryStringsAsync(connection, Row);

        Assert.Equal(["whatsapp", null, null, null, null, "email", null, null, null, null], joined);
        Assert.Equal(
            ["whatsapp", "dina@example.org", "2025-03-01T16:30:15.123Z", "2025-03-01T17:30:15.123Z", "fallback", "email", null, null, "2025-03-01T17:30:15.123Z", null],
            changed);
        Assert.Equal(
            [TestPhones.Alice, "mailto:eli@example.org"],
            await SqliteFile.QueryStringsAsync(connection, "SELECT phone FROM subscribers ORDER BY phone;"));
    }

    [Fact]
    public async Task Next_send_times_are_utc_millisecond_text_and_a_preference_change_is_a_history_entry()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var at = new DateTimeOffset(2025, 3, 1, 9, 30, 15, 123, TimeSpan.FromHours(-6)).AddTicks(4567);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(at).Build());
        const string Row = "SELECT next_send_at, CAST(version AS TEXT), send_time FROM subscribers;";

        await using var connection = await SqliteFile.OpenAsync(path);
        var joined = await SqliteFile.QueryStringsAsync(connection, Row);
        await store.SetNextSendAtAsync(TestPhones.Alice, at, at.AddDays(1));
        var moved = await SqliteFile.QueryStringsAsync(connection, Row);
        await store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { SendTime = new TimeOnly(6, 5) }, at.AddHours(2));
        var changed = await SqliteFile.QueryStringsAsync(connection, Row);

        Assert.Equal(["2025-03-01T15:30:15.123Z", "1", null], joined);
        Assert.Equal(["2025-03-02T15:30:15.123Z", "1", null], moved);
        Assert.Equal(["2025-03-01T17:30:15.123Z", "2", "06:05"], changed);
        Assert.Equal(
            ["2", "opted_in", "admin", "2025-03-01T17:30:15.123Z"],
            await SqliteFile.QueryStringsAsync(connection, "SELECT CAST(version AS TEXT), status, source, recorded_at FROM consent_history WHERE version = 2;"));
    }

    [Fact]
    public async Task The_due_listing_is_a_range_read_of_the_due_index_that_returns_only_the_due_subscribers()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var t0 = ConsentChangeBuilder.DefaultAt;
        var phones = Enumerable.Range(0, 200).Select(TestPhones.Numbered).ToList();
        var duePhones = new[] { 3, 31, 64, 99, 100, 150, 199 }.Select(i => phones[i]).ToList();
        foreach (var phone in phones)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(t0).Build());
            if (!duePhones.Contains(phone))
            {
                Assert.True(await store.SetNextSendAtAsync(phone, t0, t0.AddDays(1)));
            }
        }

        // Rows whose time has come but that are not recipients: the index leaves them out, so they are not read either.
        foreach (var phone in Enumerable.Range(200, 5).Select(TestPhones.Numbered))
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(t0).Build());
            await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(phone).At(t0.AddMinutes(1)).Build());
        }

        var tick = t0.AddMinutes(15);
        await using var connection = await SqliteFile.OpenAsync(path);
        var firstPage = await QueryPlanAsync(connection, tick, null);
        var laterPage = await QueryPlanAsync(connection, tick, (t0.ToUnixTimeMilliseconds(), duePhones[2]));
        var due = await store.ListDueAsync(tick, null, 1000);

        foreach (var plan in new[] { firstPage, laterPage })
        {
            var step = Assert.Single(plan);
            Assert.StartsWith("SEARCH subscribers USING INDEX ix_subscribers_due (", step, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN", step, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", step, StringComparison.Ordinal);
        }

        Assert.Equal(
            ["205", "12"],
            await SqliteFile.QueryStringsAsync(connection, $"SELECT CAST(COUNT(*) AS TEXT), CAST(SUM(next_send_at <= '{SqliteDatabase.FormatTimestamp(tick)}') AS TEXT) FROM subscribers;"));
        Assert.Equal(duePhones, due.Items.Select(subscriber => subscriber.Phone));
        Assert.Null(due.ContinuationToken);
    }

    [Fact]
    public async Task The_due_listing_does_the_same_work_whatever_the_number_of_subscribers_not_due()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        var t0 = ConsentChangeBuilder.DefaultAt;
        var tick = t0.AddMinutes(15);
        for (var i = 0; i < 200; i++)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).At(t0).Build());
            if (i % 29 != 0)
            {
                await store.SetNextSendAtAsync(TestPhones.Numbered(i), t0, t0.AddDays(1));
            }
        }

        var small = await MeasureDueListingAsync(path, SqliteSubscriberStore.DueListingSql, tick);
        var unindexed = SqliteSubscriberStore.DueListingSql.Replace("INDEXED BY ix_subscribers_due", "NOT INDEXED", StringComparison.Ordinal);
        var smallScan = await MeasureDueListingAsync(path, unindexed, tick);
        for (var i = 200; i < 1000; i++)
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).At(t0).Build());
            await store.SetNextSendAtAsync(TestPhones.Numbered(i), t0, t0.AddDays(1));
        }

        var large = await MeasureDueListingAsync(path, SqliteSubscriberStore.DueListingSql, tick);
        var largeScan = await MeasureDueListingAsync(path, unindexed, tick);

        // 7 due of 200, then of 1000: the same rows and the same virtual-machine steps, no table scan, no sort.
        Assert.Equal((7, 0, 0), (small.Rows, small.FullScanSteps, small.Sorts));
        Assert.Equal(small, large);

        // The measure does see reads of rows that are not due: without the index the same statement costs steps for every row.
        Assert.Equal(7, largeScan.Rows);
        Assert.True(largeScan.VirtualMachineSteps - smallScan.VirtualMachineSteps >= 800, $"{smallScan.VirtualMachineSteps} then {largeScan.VirtualMachineSteps} steps");
    }

    [Fact]
    public async Task History_rejects_a_second_entry_for_the_same_version()
    {
        var path = _directory.NewDatabasePath();
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = path });
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).Build());

        await using var connection = await SqliteFile.OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO consent_history (phone, version, status, source, evidence, recorded_at)
            VALUES ('+15550000101', 1, 'opted_out', 'admin', '{}', '2025-03-01T14:30:15.123Z');
            """;
        var exception = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Equal(19, exception.SqliteErrorCode); // SQLITE_CONSTRAINT
    }

    /// <summary>The detail lines of SQLite's plan for the store's own due listing statement, with its parameters bound as the store binds them.</summary>
    private static async Task<List<string>> QueryPlanAsync(SqliteConnection connection, DateTimeOffset at, (long UnixMilliseconds, string Phone)? after)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + SqliteSubscriberStore.DueListingSql;
        SqliteSubscriberStore.AddDueParameters(command, at, after, 101);
        await using var reader = await command.ExecuteReaderAsync();
        var details = new List<string>();
        while (await reader.ReadAsync())
        {
            details.Add(reader.GetString(3));
        }

        return details;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the store's parameters for a first page of 1000 and reads SQLite's own counters
    /// of the prepared statement: the rows it returned, its full-scan steps, sorts and virtual-machine steps.
    /// </summary>
    private static async Task<(int Rows, int FullScanSteps, int Sorts, int VirtualMachineSteps)> MeasureDueListingAsync(string path, string sql, DateTimeOffset at)
    {
        await using var connection = await SqliteFile.OpenAsync(path);
        var database = connection.Handle!;

        // Lets sqlite3_next_stmt find the statement the command prepares below.
        database.enable_sqlite3_next_stmt(true);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        SqliteSubscriberStore.AddDueParameters(command, at, null, 1001);
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows++;
            }
        }

        var statement = raw.sqlite3_next_stmt(database, null);
        while (statement is not null && !raw.sqlite3_sql(statement).utf8_to_string().StartsWith("SELECT", StringComparison.Ordinal))
        {
            statement = raw.sqlite3_next_stmt(database, statement);
        }

        Assert.NotNull(statement);
        return (
            rows,
            raw.sqlite3_stmt_status(statement, raw.SQLITE_STMTSTATUS_FULLSCAN_STEP, 0),
            raw.sqlite3_stmt_status(statement, raw.SQLITE_STMTSTATUS_SORT, 0),
            raw.sqlite3_stmt_status(statement, raw.SQLITE_STMTSTATUS_VM_STEP, 0));
    }

    [Fact]
    public void A_blank_database_path_is_rejected()
    {
        Assert.ThrowsAny<ArgumentException>(() => new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = " " }));
    }

    [Fact]
    public void AddMitzvahSqlite_registers_the_store_as_a_singleton_on_the_given_path()
    {
        var services = new ServiceCollection();
        var path = _directory.NewDatabasePath();

        services.AddMitzvahSqlite(path);

        var descriptor = Assert.Single(services, d => d.ServiceType == typeof(ISubscriberStore));
        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        var options = new SqliteStoreOptions();
        foreach (var configure in services.Select(d => d.ImplementationInstance).OfType<IConfigureOptions<SqliteStoreOptions>>())
        {
            configure.Configure(options);
        }

        Assert.Equal(path, options.DatabasePath);
        var ledger = Assert.Single(services, d => d.ServiceType == typeof(IDeliveryLedger));
        Assert.Equal(ServiceLifetime.Singleton, ledger.Lifetime);
        Assert.Equal(typeof(SqliteDeliveryLedger), ledger.ImplementationType);
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddMitzvahSqlite(""));
    }
}
