using Amazon.DynamoDBv2.Model;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbDeliveryLedgerItemTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Items_are_keyed_by_study_date_and_phone_and_expire_90_days_after_the_study_date()
    {
        var options = await dynalite.CreateTablesAsync();
        var ledger = new DynamoDbDeliveryLedger(dynalite.Client, options);
        var day = new DateOnly(2025, 3, 2);
        var now = new DateTimeOffset(2025, 3, 2, 12, 0, 0, 5, TimeSpan.FromHours(-6));

        var claim = await ledger.TryClaimAsync(day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        var item = (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.DeliveriesTable,
            Key = new() { ["study_date"] = new AttributeValue { S = "2025-03-02" }, ["phone"] = new AttributeValue { S = TestPhones.Alice } },
            ConsistentRead = true,
        })).Item;

        Assert.Equal("claimed", item["state"].S);
        Assert.Equal(claim!.ClaimId, item["claim_id"].S);
        Assert.Equal("1", item["attempts"].N);
        Assert.Equal("2025-03-02T18:05:00.005Z", item["lease_expires_at"].S);
        Assert.Equal("2025-03-02T18:00:00.005Z", item["updated_at"].S);
        Assert.Equal(new DateTimeOffset(2025, 5, 31, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["expires_at"].N);
    }
}
