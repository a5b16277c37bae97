using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableStorageDeliveryLedgerTests(AzuriteFixture azurite) : DeliveryLedgerContract, IAsyncLifetime
{
    private readonly string _prefix = AzuriteFixture.NewPrefix();

    protected override Task<IDeliveryLedger> CreateLedgerAsync() =>
        Task.FromResult<IDeliveryLedger>(new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);
}
