using Microsoft.Data.Sqlite;

namespace Mitzvah.Bench;

/// <summary>A SQLite file of a benchmark's own, in a fresh temporary folder removed afterwards.</summary>
internal static class BenchDatabase
{
    /// <summary>Runs <paramref name="run"/> on a new database path and deletes its folder, whatever the outcome.</summary>
    public static async Task<int> RunAsync(Func<string, Task<int>> run)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mitzvah-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            return await run(Path.Combine(directory, "mitzvah.db"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
