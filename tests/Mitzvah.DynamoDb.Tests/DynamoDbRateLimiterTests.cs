using Mitzvah.Core.Limits;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbRateLimiterTests(DynaliteFixture dynalite) : RateLimiterContract
{
    protected override async Task<IRateLimiter> CreateLimiterAsync() =>
        new DynamoDbRateLimiter(dynalite.Client, await dynalite.CreateTablesAsync());
}
