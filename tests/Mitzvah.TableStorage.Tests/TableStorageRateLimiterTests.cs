using Mitzvah.Core.Limits;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

[Collection(SharedAzurite.Name)]
public sealed class TableStorageRateLimiterTests(AzuriteFixture azurite) : RateLimiterContract, IAsyncLifetime
{
    private readonly string _prefix = AzuriteFixture.NewPrefix();

    protected override Task<IRateLimiter> CreateLimiterAsync() =>
        Task.FromResult<IRateLimiter>(new TableStorageRateLimiter(azurite.CreateServiceClient(), _prefix));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);
}
