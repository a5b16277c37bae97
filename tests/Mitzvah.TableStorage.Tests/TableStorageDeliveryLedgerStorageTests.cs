using Azure.Data.Tables;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

/// <summary>What the Table Storage ledger does beyond the contract: its table and keys as the service sees them.</summary>
[Collection(SharedAzurite.Name)]
public sealed class TableStorageDeliveryLedgerStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2025, 3, 2);
    private static readonly DateTimeOffset T0 = new(2025, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = AzuriteFixture.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task Items_are_keyed_by_study_date_and_phone_in_the_deliveries_table()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claim = await ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddTicks(9999), TimeSpan.FromMinutes(5));
        Assert.True(await ledger.MarkFailedAsync(Day, TestPhones.Alice, claim!.ClaimId, "20429", permanent: false, T0.AddSeconds(1)));

        var entity = (await azurite.CreateServiceClient().GetTableClient(_prefix + "Deliveries").GetEntityAsync<TableEntity>("2025-03-02", TestPhones.Alice)).Value;

        Assert.Equal("failed", entity.GetString("State"));
        Assert.Equal(claim.ClaimId, entity.GetString("ClaimId"));
        Assert.Equal(1, entity.GetInt32("Attempts"));
        Assert.Equal(T0.AddMinutes(5), entity.GetDateTimeOffset("LeaseExpiresAt"));
        Assert.Equal("20429", entity.GetString("ErrorCode"));
        Assert.False(entity.GetBoolean("Permanent"));
        Assert.Equal(T0.AddSeconds(1), entity.GetDateTimeOffset("UpdatedAt"));
        Assert.False(entity.ContainsKey("MessageSid"));
    }

    [Fact]
    public async Task A_claim_that_loses_to_a_concurrent_write_decides_again_on_the_winners_item()
    {
        var ledger = new TableStorageDeliveryLedger(azurite.CreateServiceClient(), _prefix);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0, TimeSpan.FromMinutes(5)))));
        var winner = Assert.Single(claims, claim => claim is not null)!;

        // After the lease, concurrent take-overs again leave exactly one winner, one attempt further.
        var takeOvers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ledger.TryClaimAsync(Day, TestPhones.Alice, T0.AddMinutes(5), TimeSpan.FromMinutes(5)))));

        var second = Assert.Single(takeOvers, claim => claim is not null)!;
        Assert.Equal(2, second.Attempts);
        Assert.NotEqual(winner.ClaimId, second.ClaimId);
        Assert.Equal(second, await ledger.GetAsync(Day, TestPhones.Alice));
    }
}
