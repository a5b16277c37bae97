using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.InMemory;

public sealed class InMemoryDeliveryLedgerTests : DeliveryLedgerContract
{
    protected override Task<IDeliveryLedger> CreateLedgerAsync() => Task.FromResult<IDeliveryLedger>(new InMemoryDeliveryLedger());
}
