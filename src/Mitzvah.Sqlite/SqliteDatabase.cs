using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mitzvah.Sqlite;

/// <summary>
/// One Mitzvah database file: opens pooled connections with the settings every store relies on and, on first use,
/// creates the schema or migrates it to the current version (<see cref="SqliteSchema"/>). Also the storage format of
/// timestamps, which every table shares.
/// </summary>
internal sealed class SqliteDatabase
{
    private const int BusyTimeoutMilliseconds = 5000;
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // One per file, shared by every store and ledger on it in this process.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    private readonly string _connectionString;
    private readonly string _databasePath;
    private readonly SemaphoreSlim _writeGate;
    private readonly Lock _schemaLock = new();
    private volatile bool _schemaCreated;

    public SqliteDatabase(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.DatabasePath, nameof(options));

        _databasePath = Path.GetFullPath(options.DatabasePath);
        _writeGate = WriteGates.GetOrAdd(_databasePath, _ => new SemaphoreSlim(1, 1));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    /// <summary>ISO-8601 UTC text with milliseconds; its string order is its time order.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string value) =>
        DateTimeOffset.ParseExact(value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>
    /// Waits for this process's turn to write to the file; dispose the result to pass the turn on. SQLite admits one
    /// writer at a time and makes the others sleep in its busy handler (up to 100 ms a round), blocking their threads;
    /// queueing here instead costs no thread. Writers in other processes still meet the busy timeout.
    /// </summary>
    public async Task<IDisposable> EnterWriteAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new WriteTurn(_writeGate);
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        EnsureSchema();

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // Pooled connections keep their pragmas, but a new one starts without a busy timeout; setting it on every
            // open is cheap and makes concurrent writers wait for the lock instead of failing with SQLITE_BUSY.
            using var command = connection.CreateCommand();
            // In WAL mode NORMAL never corrupts the database; a power cut may lose the last commits, an app crash none.
            command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class WriteTurn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }

    private void EnsureSchema()
    {
        if (_schemaCreated)
        {
            return;
        }

        lock (_schemaLock)
        {
            if (_schemaCreated)
            {
                return;
            }

            var directory = Path.GetDirectoryName(_databasePath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                // Another process may hold the write lock while it migrates the same file.
                command.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
                command.ExecuteNonQuery();
            }

            SqliteSchema.Migrate(connection, _databasePath);
            _schemaCreated = true;
        }
    }
}
