using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.InMemory;

public sealed class InMemorySubscriberStoreTests : SubscriberStoreContract
{
    protected override Task<ISubscriberStore> CreateStoreAsync() => Task.FromResult<ISubscriberStore>(new InMemorySubscriberStore());
}
