using Mitzvah.Testing;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Sqlite.Tests;

public sealed class SqliteSubscriberStoreTests : SubscriberStoreContract, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override Task<ISubscriberStore> CreateStoreAsync() =>
        Task.FromResult<ISubscriberStore>(new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = _directory.NewDatabasePath() }));

    public void Dispose() => _directory.Dispose();
}
