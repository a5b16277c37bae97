using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
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
            Assert.False(item.ContainsKey("version"), "The backfill changes nothing but the index attributes.");
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
    public async Task Backfill_makes_opted_in_reachable_items_written_before_the_due_index_due_at_its_run_and_keeps_scheduled_ones()
    {
        var options = await dynalite.CreateTablesAsync();
        var store = new DynamoDbSubscriberStore(dynalite.Client, options);
        var runAt = new DateTimeOffset(2025, 6, 1, 8, 0, 0, 250, TimeSpan.Zero);
        var original = TestPhones.Numbered(1);
        var previousVersion = TestPhones.Numbered(2);
        var previousUnreachable = TestPhones.Numbered(3);
        var previousOptedOut = TestPhones.Numbered(4);
        var current = TestPhones.Numbered(5);
        await PutLegacyAsync(options, original, "opted_in");
        await PutPreviousVersionAsync(options, previousVersion, "opted_in", optedIn: true);
        await PutPreviousVersionAsync(options, previousUnreachable, "opted_in", optedIn: false, unreachableSince: "2025-05-01T00:00:00.000Z");
        await PutPreviousVersionAsync(options, previousOptedOut, "opted_out", optedIn: false);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(current).Build());
        Assert.True(await store.SetNextSendAtAsync(current, ConsentChangeBuilder.DefaultAt, runAt.AddDays(1)));
        var dueBefore = await store.ListDueAsync(runAt, null, 100);
        var backfill = new DynamoDbOptedInBackfill(dynalite.Client, new FakeTimeProvider(runAt.AddTicks(5678)));

        var first = await backfill.RunAsync(options.SubscribersTable);
        var second = await backfill.RunAsync(options.SubscribersTable);

        Assert.Empty(dueBefore.Items);
        Assert.Equal(new BackfillResult(Scanned: 5, Updated: 2, AlreadyIndexed: 1), first);
        Assert.Equal(new BackfillResult(Scanned: 5, Updated: 0, AlreadyIndexed: 3), second);
        var due = await store.ListDueAsync(runAt, null, 100);
        Assert.Equal([original, previousVersion], due.Items.Select(subscriber => subscriber.Phone));
        Assert.All(due.Items, subscriber => Assert.Equal(runAt, subscriber.NextSendAt));
        Assert.Empty((await store.ListDueAsync(runAt.AddMilliseconds(-1), null, 100)).Items);
        Assert.Equal(runAt.AddDays(1), (await store.GetAsync(current))?.NextSendAt);
        Assert.Equal([original, previousVersion, current], (await store.ListDueAsync(runAt.AddDays(1), null, 100)).Items.Select(subscriber => subscriber.Phone));
        foreach (var phone in new[] { previousUnreachable, previousOptedOut })
        {
            var item = await GetRawAsync(options, phone);
            Assert.False(item.ContainsKey("next_send_at") || item.ContainsKey("due_key") || item.ContainsKey("opted_in"), "Only recipients are scheduled.");
        }

        // The tick moves a backfilled subscriber on from the time the backfill gave it.
        Assert.True(await store.SetNextSendAtAsync(original, runAt, runAt.AddHours(2)));
        Assert.Equal([previousVersion], (await store.ListDueAsync(runAt.AddHours(1), null, 100)).Items.Select(subscriber => subscriber.Phone));
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

    /// <summary>An item as this store wrote it before the due index: versioned, <c>opted_in</c> while a recipient, no next send time.</summary>
    private async Task PutPreviousVersionAsync(DynamoDbOptions options, string phone, string status, bool optedIn, string? unreachableSince = null)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["phone"] = new AttributeValue { S = phone },
            ["consent_status"] = new AttributeValue { S = status },
            ["channel"] = new AttributeValue { S = "whatsapp" },
            ["purpose"] = new AttributeValue { S = "daily_mitzvot" },
            ["source"] = new AttributeValue { S = "whatsapp_keyword" },
            ["evidence"] = new AttributeValue { S = """{"keyword":"START"}""" },
            ["timestamp_iso"] = new AttributeValue { S = "2025-02-10T18:30:45.123Z" },
            ["created_at"] = new AttributeValue { S = "2025-02-10T18:30:45.123Z" },
            ["version"] = new AttributeValue { N = "1" },
            ["schema_version"] = new AttributeValue { N = "2" },
        };
        if (optedIn)
        {
            item["opted_in"] = new AttributeValue { S = "1" };
        }

        if (unreachableSince is not null)
        {
            item["unreachable_since"] = new AttributeValue { S = unreachableSince };
        }

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
