using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mitzvah.Sqlite;

/// <summary>
/// The schema of the Mitzvah database and the ordered steps that bring a file of any earlier version to the current
/// one. The version is the file's <c>PRAGMA user_version</c>.
/// </summary>
/// <remarks>
/// A released step never changes: a later change of the schema is a new step at the end. Files written before the
/// schema had a version have <c>user_version</c> 0; step 1, which creates the first schema only where it is missing,
/// makes them (and new files) version 1. All pending steps and the new version commit in one transaction that holds
/// the write lock, so a file is never left half migrated and two processes never both migrate it.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>The version this code reads and writes.</summary>
    public static int CurrentVersion => Steps.Length;

    // Steps[i] brings a file from version i to version i + 1.
    private static readonly string[] Steps =
    [
        // 1: subscribers, consent history and the delivery ledger.
        """
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
        """,

        // 2: delivery preferences; NULL means the operator's default, which is what every existing row gets.
        """
        ALTER TABLE subscribers ADD COLUMN time_zone TEXT;
        ALTER TABLE subscribers ADD COLUMN send_time TEXT;
        ALTER TABLE subscribers ADD COLUMN calendar TEXT;
        ALTER TABLE subscribers ADD COLUMN paused_until TEXT;
        """,

        // 3: the provider's delivery status of a sent message; NULL until its first status callback.
        """
        ALTER TABLE deliveries ADD COLUMN delivery_status TEXT;
        ALTER TABLE deliveries ADD COLUMN delivery_rank INTEGER;
        ALTER TABLE deliveries ADD COLUMN delivery_error_code TEXT;
        ALTER TABLE deliveries ADD COLUMN delivery_status_at TEXT;
        """,

        // 4: WhatsApp's 24-hour window: the subscriber's last inbound message, and the form each message was sent in.
        // NULL/0 for existing rows: never wrote since, form unknown, not resent, not sent outside the window.
        """
        ALTER TABLE subscribers ADD COLUMN last_inbound_at TEXT;
        ALTER TABLE deliveries ADD COLUMN message_form TEXT;
        ALTER TABLE deliveries ADD COLUMN resent_as_template INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE deliveries ADD COLUMN outside_window INTEGER NOT NULL DEFAULT 0;
        """,

        // 5: the unreachable mark of a subscriber, NULL for every existing row; the recipients and unreachable listings
        // as partial indexes; the web opt-in counters.
        """
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
        """,

        // 6: the send tick's due index. Every existing opted-in row becomes due at the migration's time (in the
        // timestamps' text form), so the first tick works out its real moment; other rows have none until they opt in.
        """
        ALTER TABLE subscribers ADD COLUMN next_send_at TEXT;

        UPDATE subscribers SET next_send_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 'opted_in';

        CREATE INDEX IF NOT EXISTS ix_subscribers_due ON subscribers (next_send_at, phone)
            WHERE status = 'opted_in' AND unreachable_since IS NULL AND next_send_at IS NOT NULL;
        """,

        // 7: email subscribers. A WhatsApp subscriber's linked address with its confirmation and undeliverable mark,
        // and the channel choice; NULL for every existing row: no address, channels as before. An email-only
        // subscriber is keyed by its address (mailto:...) and needs no column of its own.
        """
        ALTER TABLE subscribers ADD COLUMN email TEXT;
        ALTER TABLE subscribers ADD COLUMN email_confirmed_at TEXT;
        ALTER TABLE subscribers ADD COLUMN email_undeliverable_at TEXT;
        ALTER TABLE subscribers ADD COLUMN channel_choice TEXT;
        """,
    ];

    /// <summary>Migrates the file to <see cref="CurrentVersion"/>; does nothing when it is there already.</summary>
    /// <exception cref="InvalidOperationException">The file is of a later version than this code knows.</exception>
    public static void Migrate(SqliteConnection connection, string databasePath)
    {
        var found = ReadVersion(connection, null);
        if (found == CurrentVersion)
        {
            return;
        }

        // Refuse before writing anything, even the journal mode.
        ThrowIfNewer(found, databasePath);

        using (var command = connection.CreateCommand())
        {
            // WAL lets readers run while one writer commits; the mode is stored in the file and cannot change inside
            // a transaction.
            command.CommandText = "PRAGMA journal_mode = WAL;";
            command.ExecuteNonQuery();
        }

        // BEGIN IMMEDIATE: another process may be migrating the same file; read the version under the write lock.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = ReadVersion(connection, transaction);
        ThrowIfNewer(version, databasePath);
        for (var step = version; step < CurrentVersion; step++)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Steps[step];
            command.ExecuteNonQuery();
        }

        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {CurrentVersion};");
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static int ReadVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void ThrowIfNewer(int version, string databasePath)
    {
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The database {databasePath} has schema version {version}, but this version of Mitzvah knows versions up to {CurrentVersion}. "
                + "It was written by a newer Mitzvah: run that version, or point this one at another database file.");
        }
    }
}
