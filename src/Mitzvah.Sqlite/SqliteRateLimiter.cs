using System.Globalization;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Limits;

namespace Mitzvah.Sqlite;

/// <summary>Fixed-window request counters in the SQLite database file (<c>rate_limits</c>).</summary>
/// <remarks>
/// One row per (scope, client, window start). Admitting is one upsert that raises the count only while it is below
/// the limit (<c>ON CONFLICT … DO UPDATE … WHERE count &lt; limit RETURNING</c>), atomic like every statement, so
/// processes sharing the file never admit more than the limit. Rows of ended windows are deleted on the way.
/// </remarks>
public sealed class SqliteRateLimiter : IRateLimiter
{
    private readonly SqliteDatabase _database;

    /// <summary>Creates a limiter on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteRateLimiter(IOptions<SqliteStoreOptions> options)
        : this(options?.Value!)
    {
    }

    /// <summary>Creates a limiter on <see cref="SqliteStoreOptions.DatabasePath"/>. Nothing is opened until first use.</summary>
    public SqliteRateLimiter(SqliteStoreOptions options)
    {
        _database = new SqliteDatabase(options);
    }

    /// <inheritdoc />
    public async Task<RateLimitDecision> TryAcquireAsync(string scope, string client, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RateWindow.ThrowIfInvalid(scope, client, limit, window);
        var current = RateWindow.Of(now, window);

        using var turn = await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (var cleanup = connection.CreateCommand())
            {
                cleanup.CommandText = "DELETE FROM rate_limits WHERE expires_at <= @now;";
                cleanup.Parameters.AddWithValue("@now", now.ToUnixTimeSeconds());
                await cleanup.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO rate_limits (scope, client, window_start, count, expires_at)
                VALUES (@scope, @client, @start, 1, @end)
                ON CONFLICT (scope, client, window_start) DO UPDATE SET count = count + 1 WHERE count < @limit
                RETURNING count;
                """;
            command.Parameters.AddWithValue("@scope", scope);
            command.Parameters.AddWithValue("@client", client);
            command.Parameters.AddWithValue("@start", current.StartKey);
            command.Parameters.AddWithValue("@end", current.End.ToUnixTimeSeconds());
            command.Parameters.AddWithValue("@limit", limit);
            var count = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);

            // No row returned: the conflict's update was refused, the count is at the limit.
            return count is null || Convert.ToInt64(count, CultureInfo.InvariantCulture) > limit ? current.Refused(now) : RateLimitDecision.Admitted;
        }
    }
}
