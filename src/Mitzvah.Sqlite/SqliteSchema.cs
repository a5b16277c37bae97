using Microsoft.Data.Sqlite;

namespace Mitzvah.Sqlite;

/// <summary>
/// Creates every table of the Mitzvah database. Each statement is idempotent, so the script runs on every start;
/// later features add their tables here.
/// </summary>
internal static class SqliteSchema
{
    private const string Script = """
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

    public static void EnsureCreated(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();

        // WAL lets readers run while one writer commits; the mode is stored in the file, so setting it once is enough.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();

        command.CommandText = Script;
        command.ExecuteNonQuery();
    }
}
