using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbDeliveryLedgerTests(DynaliteFixture dynalite) : DeliveryLedgerContract
{
    protected override async Task<IDeliveryLedger> CreateLedgerAsync() =>
        new DynamoDbDeliveryLedger(dynalite.Client, await dynalite.CreateTablesAsync());
}
