using Mitzvah.Testing;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Sqlite.Tests;

public sealed class SqliteDeliveryLedgerTests : DeliveryLedgerContract, IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    protected override Task<IDeliveryLedger> CreateLedgerAsync() =>
        Task.FromResult<IDeliveryLedger>(new SqliteDeliveryLedger(new SqliteStoreOptions { DatabasePath = _directory.NewDatabasePath() }));

    public void Dispose() => _directory.Dispose();
}
