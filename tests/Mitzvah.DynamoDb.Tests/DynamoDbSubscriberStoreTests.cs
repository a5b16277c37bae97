using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbSubscriberStoreTests(DynaliteFixture dynalite) : SubscriberStoreContract
{
    protected override async Task<ISubscriberStore> CreateStoreAsync() =>
        new DynamoDbSubscriberStore(dynalite.Client, await dynalite.CreateTablesAsync());
}
