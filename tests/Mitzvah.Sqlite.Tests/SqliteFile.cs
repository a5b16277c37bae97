using Microsoft.Data.Sqlite;

namespace Mitzvah.Sqlite.Tests;

/// <summary>Raw access to a database file, beside the stores, to see and prepare what is on disk.</summary>
internal static class SqliteFile
{
    /// <summary>An unpooled connection, so that nothing keeps the file open after the test.</summary>
    public static async Task<SqliteConnection> OpenAsync(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Every column of every row, as text, in order; NULL as <see langword="null"/>.</summary>
    public static async Task<List<string?>> QueryStringsAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string?>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values.Add(reader.IsDBNull(i) ? null : reader.GetString(i));
            }
        }

        return values;
    }

    public static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> UserVersionAsync(string path)
    {
        await using var connection = await OpenAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<List<string?>> ColumnsAsync(string path, string table)
    {
        await using var connection = await OpenAsync(path);
        return await QueryStringsAsync(connection, $"SELECT name FROM pragma_table_info('{table}') ORDER BY cid;");
    }
}
