using Amazon.DynamoDBv2.Model;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

[Collection(SharedDynalite.Name)]
public sealed class DynamoDbOptedInBackfillTests(DynaliteFixture dynalite)
{
    [Fact]
    public async Task Backfill_indexes_unindexed_opted_in_items_only_and_a_second_run_updates_nothing()
    {
        var options = await dynalite.CreateTablesAsync();
        var store = new DynamoDbSubscriberStore(dynalite.Client, options);
        var legacyIn = new[] { TestPhones.Numbered(1), TestPhones.Numbered(2), TestPhones.Numbered(3) };
        var legacyOut = new[] { TestPhones.Numbered(4), TestPhones.Numbered(5) };
        var legacyInvalid = TestPhones.Numbered(6);
        foreach (var phone in legacyIn)
        {
            await PutLegacyAsync(options, phone, "opted_in");
        }

        foreach (var phone in legacyOut)
        {
            await PutLegacyAsync(options, phone, "opted_out");
        }

        await PutLegacyAsync(options, legacyInvalid, "invalid");
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(7)).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(8)).Build());
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Numbered(9)).Build());
        var backfill = new DynamoDbOptedInBackfill(dynalite.Client);

        var first = await backfill.RunAsync(options.SubscribersTable);
        var second = await backfill.RunAsync(options.SubscribersTable);

        Assert.Equal(new BackfillResult(Scanned: 9, Updated: 3, AlreadyIndexed: 2), first);
        Assert.Equal(new BackfillResult(Scanned: 9, Updated: 0, AlreadyIndexed: 5), second);
        foreach (var phone in legacyIn)
        {
            var item = await GetRawAsync(options, phone);
            Assert.Equal("1", item["opted_in"].S);
            Assert.False(item.ContainsKey("version"), "The backfill changes nothing but the index attribute.");
        }

        foreach (var phone in legacyOut.Append(legacyInvalid).Append(TestPhones.Numbered(9)))
        {
            Assert.False((await GetRawAsync(options, phone)).ContainsKey("opted_in"));
        }

        Assert.Equal(5, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(
            legacyIn.Concat([TestPhones.Numbered(7), TestPhones.Numbered(8)]),
            (await store.ListAsync(ConsentStatus.OptedIn, null, 100)).Items.Select(subscriber => subscriber.Phone));
    }

    [Fact]
    public async Task Backfill_pages_through_a_table_larger_than_one_scan_page()
    {
        var options = await dynalite.CreateTablesAsync();
        var padding = new string('x', 100_000);
        var phones = Enumerable.Range(0, 30).Select(TestPhones.Numbered).ToList();
        foreach (var phone in phones)
        {
            // About 3 MB in all, so a scan needs several 1 MB pages.
            await PutLegacyAsync(options, phone, "opted_in", padding);
        }

        var firstPage = await dynalite.Client.ScanAsync(new ScanRequest { TableName = options.SubscribersTable, ProjectionExpression = "phone" });

        var result = await new DynamoDbOptedInBackfill(dynalite.Client).RunAsync(options.SubscribersTable);

        Assert.NotEmpty(firstPage.LastEvaluatedKey ?? []);
        Assert.Equal(new BackfillResult(Scanned: 30, Updated: 30, AlreadyIndexed: 0), result);
    }

    [Fact]
    public async Task Backfill_of_an_empty_table_counts_nothing()
    {
        var options = await dynalite.CreateTablesAsync();

        var result = await new DynamoDbOptedInBackfill(dynalite.Client).RunAsync(options.SubscribersTable);

        Assert.Equal(new BackfillResult(0, 0, 0), result);
    }

    private async Task PutLegacyAsync(DynamoDbOptions options, string phone, string status, string? note = null)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["phone"] = new AttributeValue { S = phone },
            ["consent_status"] = new AttributeValue { S = status },
            ["channel"] = new AttributeValue { S = "whatsapp" },
            ["source"] = new AttributeValue { S = "whatsapp" },
            ["evidence"] = new AttributeValue { S = note ?? "START" },
            ["timestamp_iso"] = new AttributeValue { S = "2024-05-01T12:34:56.789012+00:00" },
        };
        await dynalite.Client.PutItemAsync(new PutItemRequest { TableName = options.SubscribersTable, Item = item });
    }

    private async Task<Dictionary<string, AttributeValue>> GetRawAsync(DynamoDbOptions options, string phone) =>
        (await dynalite.Client.GetItemAsync(new GetItemRequest
        {
            TableName = options.SubscribersTable,
            Key = new() { ["phone"] = new AttributeValue { S = phone } },
            ConsistentRead = true,
        })).Item;
}
