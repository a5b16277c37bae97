namespace Mitzvah.Sqlite;

/// <summary>Where the embedded SQLite database lives.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>
    /// Path of the database file, absolute or relative to the working directory. The file and its directory are
    /// created on first use.
    /// </summary>
    public string DatabasePath { get; set; } = string.Empty;
}
