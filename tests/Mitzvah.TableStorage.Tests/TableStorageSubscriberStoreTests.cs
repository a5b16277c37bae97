using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableStorageSubscriberStoreTests(AzuriteFixture azurite) : SubscriberStoreContract, IAsyncLifetime
{
    private readonly string _prefix = AzuriteFixture.NewPrefix();

    protected override Task<ISubscriberStore> CreateStoreAsync() =>
        Task.FromResult<ISubscriberStore>(new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);
}
