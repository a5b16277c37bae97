using Mitzvah.Core.Limits;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.InMemory;

public sealed class InMemoryRateLimiterTests : RateLimiterContract
{
    protected override Task<IRateLimiter> CreateLimiterAsync() => Task.FromResult<IRateLimiter>(new InMemoryRateLimiter());
}
