using Mitzvah.Core.Limits;
using Mitzvah.Testing;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Sqlite.Tests;

public sealed class SqliteRateLimiterTests : RateLimiterContract, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override Task<IRateLimiter> CreateLimiterAsync() =>
        Task.FromResult<IRateLimiter>(new SqliteRateLimiter(new SqliteStoreOptions { DatabasePath = _directory.NewDatabasePath() }));

    public void Dispose() => _directory.Dispose();
}
