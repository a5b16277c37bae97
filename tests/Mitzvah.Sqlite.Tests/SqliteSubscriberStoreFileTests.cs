using Mitzvah.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

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
            ["ix_rate_limits_expires_at", "ix_subscribers_recipients", "ix_subscribers_status_phone", "ix_subscribers_unreachable"],
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
