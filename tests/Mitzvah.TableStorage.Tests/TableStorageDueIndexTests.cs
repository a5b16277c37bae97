using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Azure.Core;
using Azure.Data.Tables;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.TableStorage.Tests;

/// <summary>The due index of the Table Storage store as the service sees it: its entities, its queries and the backfill.</summary>
[Collection(SharedAzurite.Name)]
public sealed partial class TableStorageDueIndexTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = ConsentChangeBuilder.DefaultAt;

    private readonly string _prefix = AzuriteFixture.NewPrefix();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => azurite.DeleteTablesAsync(_prefix);

    [Fact]
    public async Task Due_listing_queries_only_the_due_range_of_the_index_and_reads_only_the_due_subscribers()
    {
        var seeding = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var phones = Enumerable.Range(0, 200).Select(TestPhones.Numbered).ToList();
        var due = phones.Where((_, i) => i % 29 == 3).ToList();
        await ForEachAsync(phones, phone => seeding.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).At(T0).Build()));
        await ForEachAsync(phones.Except(due), phone => seeding.SetNextSendAtAsync(phone, T0, T0.AddDays(1)));
        var tick = T0.AddMinutes(15);

        var recorder = new RecordingPolicy();
        var store = new TableStorageSubscriberStore(RecordedClient(recorder), _prefix);
        var first = await store.ListDueAsync(tick, null, 100);
        var firstCall = recorder.Exchanges;
        var second = await store.ListDueAsync(tick, null, 100);
        var secondCall = recorder.Exchanges.Skip(firstCall.Count).ToList();

        Assert.Equal(7, due.Count);
        Assert.Equal(due, first.Items.Select(subscriber => subscriber.Phone));
        Assert.Equal(first.Items, second.Items);
        Assert.Null(second.ContinuationToken);

        // The warm call: one range query of the index, answered with the 7 due entries, and one point read each.
        var query = Assert.Single(secondCall, IsQuery);
        var parameters = HttpUtility.ParseQueryString(query.Uri.Query);
        var bound = (tick.ToUnixTimeMilliseconds() + 1).ToString("D15", CultureInfo.InvariantCulture);
        Assert.Equal($"PartitionKey eq 'subscriber' and RowKey gt '~due~' and RowKey lt '~due~{bound}'", parameters["$filter"]);
        Assert.Equal("RowKey", parameters["$select"]);
        var indexRows = Rows(query.ResponseBody);
        Assert.Equal(7, indexRows.Count);
        var reads = secondCall.Where(exchange => !IsQuery(exchange)).ToList();
        Assert.Equal(7, reads.Count);
        Assert.All(reads, read => Assert.True(read.Method == "GET" && IsSubscriberRead(read)));
        Assert.Equal(due, reads.Select(SubscriberKeyOf).Order(StringComparer.Ordinal));

        // The first call of the instance adds only its table creation and the one point read of the backfill marker.
        Assert.Single(firstCall, IsQuery);
        Assert.Equal(7, firstCall.Count(IsSubscriberRead));
        var extra = firstCall.Where(exchange => !IsQuery(exchange) && !IsSubscriberRead(exchange)).ToList();
        Assert.Equal(["POST", "POST", "GET"], extra.Select(exchange => exchange.Method));
        Assert.Equal("~migration~due-index", SubscriberKeyOf(extra[2]));

        // The table holds all 200 subscribers and all 200 index entities; listings and counts see the subscribers only.
        Assert.Equal(200, (await IndexKeysAsync()).Count);
        Assert.Equal(200, await seeding.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(phones, await ListPhonesAsync(seeding, ConsentStatus.OptedIn));
        Assert.Empty((await seeding.ListUnreachableAsync(null, 100)).Items);
    }

    [Fact]
    public async Task An_index_entity_exists_exactly_while_the_subscriber_is_due_at_some_time()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var alice = TestPhones.Alice;
        var bob = TestPhones.Bob;

        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(alice).At(T0).Build());
        Assert.Equal([Key(T0, alice)], await IndexKeysAsync());

        await store.SetPreferencesAsync(alice, new DeliveryPreferences { TimeZone = "Asia/Jerusalem" }, T0.AddHours(1));
        Assert.Equal([Key(T0.AddHours(1), alice)], await IndexKeysAsync());

        await store.RecordReachabilityAsync(new ReachabilityChange { Phone = alice, Unreachable = true, ErrorCode = "63024", Actor = "delivery-status", Note = "n", At = T0.AddHours(2) });
        Assert.Empty(await IndexKeysAsync());
        Assert.Equal([alice], (await store.ListUnreachableAsync(null, 10)).Items.Select(subscriber => subscriber.Phone));

        await store.RecordReachabilityAsync(new ReachabilityChange { Phone = alice, Unreachable = false, Actor = "inbound-message", Note = "n", At = T0.AddHours(3) });
        Assert.Equal([Key(T0.AddHours(3), alice)], await IndexKeysAsync());

        await store.RecordConsentAsync(ConsentChangeBuilder.To(bob, ConsentStatus.Pending).ViaWebForm("v1", "203.0.113.9", "Mozilla/5.0").At(T0).Build());
        Assert.Equal([Key(T0.AddHours(3), alice)], await IndexKeysAsync());

        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(bob).At(T0.AddHours(4)).Build());
        await store.RecordInboundAsync(bob, T0.AddHours(5));
        await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(alice).At(T0.AddHours(6)).Build());
        Assert.Equal([Key(T0.AddHours(4), bob)], await IndexKeysAsync());

        Assert.True(await store.SetNextSendAtAsync(bob, T0.AddHours(4), T0.AddDays(1)));
        Assert.Equal([Key(T0.AddDays(1), bob)], await IndexKeysAsync());

        Assert.Equal(1, await store.CountAsync(ConsentStatus.OptedIn));
        Assert.Equal(1, await store.CountAsync(ConsentStatus.OptedOut));
        Assert.Equal([bob], await ListPhonesAsync(store, ConsentStatus.OptedIn));
        Assert.Equal([alice], await ListPhonesAsync(store, ConsentStatus.OptedOut));
    }

    [Fact]
    public async Task Racing_moves_and_changes_of_one_subscriber_leave_exactly_its_own_index_entity()
    {
        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        var zones = new[] { "Asia/Jerusalem", "America/Chicago", "Europe/London", "UTC" };

        await Task.WhenAll(
            Enumerable.Range(1, 8).Select(i => (Task)Task.Run(() => store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddHours(i))))
                .Concat(zones.Select((zone, i) => (Task)Task.Run(() => store.SetPreferencesAsync(TestPhones.Alice, new DeliveryPreferences { TimeZone = zone }, T0.AddMinutes(i + 1)))))
                .Append(Task.Run(() => store.RecordInboundAsync(TestPhones.Alice, T0.AddMinutes(30)))));

        var subscriber = await store.GetAsync(TestPhones.Alice);
        Assert.NotNull(subscriber?.NextSendAt);
        Assert.Equal([Key(subscriber.NextSendAt.Value, TestPhones.Alice)], await IndexKeysAsync());
        Assert.Equal(5, (await store.GetHistoryAsync(TestPhones.Alice)).Count);
    }

    [Fact]
    public async Task A_missing_index_entity_does_not_block_the_next_move()
    {
        var recorder = new RecordingPolicy();
        var store = new TableStorageSubscriberStore(RecordedClient(recorder), _prefix);
        await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(T0).Build());
        await Table("Subscribers").DeleteEntityAsync("subscriber", Key(T0, TestPhones.Alice));
        var before = recorder.Exchanges.Count;

        Assert.True(await store.SetNextSendAtAsync(TestPhones.Alice, T0, T0.AddDays(1)));

        // The transaction with the delete failed on it, and the one without it landed.
        var batches = recorder.Exchanges.Skip(before).Where(exchange => exchange.Uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, batches.Count);
        Assert.Contains("404", batches[0].ResponseBody, StringComparison.Ordinal);

        Assert.Equal([Key(T0.AddDays(1), TestPhones.Alice)], await IndexKeysAsync());
        Assert.Equal([TestPhones.Alice], (await store.ListDueAsync(T0.AddDays(1), null, 10)).Items.Select(subscriber => subscriber.Phone));
    }

    [Fact]
    public async Task Subscribers_written_before_schema_version_3_are_backfilled_once_due_at_the_first_tick()
    {
        var table = Table("Subscribers");
        await table.CreateIfNotExistsAsync();
        var unversioned = OldSubscriber("+15550000001", "opted_in", schemaVersion: null);
        var withPreferences = OldSubscriber("+15550000002", "opted_in", schemaVersion: 2);
        withPreferences["SendTime"] = "07:30";
        var unreachable = OldSubscriber("+15550000003", "opted_in", schemaVersion: 2);
        unreachable["UnreachableSince"] = T0.AddDays(1);
        unreachable["UnreachableErrorCode"] = "63024";
        var optedOut = OldSubscriber("+15550000004", "opted_out", schemaVersion: null);
        foreach (var entity in new[] { unversioned, withPreferences, unreachable, optedOut })
        {
            await table.AddEntityAsync(entity);
        }

        var store = new TableStorageSubscriberStore(azurite.CreateServiceClient(), _prefix);
        var before = await store.GetAsync("+15550000002");
        var tick = T0.AddDays(30).AddTicks(5678);
        var stored = T0.AddDays(30);

        var page = await store.ListDueAsync(tick, null, 10);

        Assert.Equal(["+15550000001", "+15550000002"], page.Items.Select(subscriber => subscriber.Phone));
        Assert.All(page.Items, subscriber => Assert.Equal(stored, subscriber.NextSendAt));
        Assert.Equal(before! with { NextSendAt = stored }, page.Items[1]);
        Assert.Equal([Key(stored, "+15550000001"), Key(stored, "+15550000002")], await IndexKeysAsync());
        Assert.Equal(4, (await table.GetEntityAsync<TableEntity>("subscriber", "+15550000001")).Value.GetInt32("SchemaVersion"));
        Assert.Null((await store.GetAsync("+15550000003"))?.NextSendAt);
        Assert.Null((await store.GetAsync("+15550000004"))?.NextSendAt);
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("subscriber", "~migration~due-index")).HasValue);

        // Later instances find the marker: one point read, never another pass over the subscribers.
        var recorder = new RecordingPolicy();
        var later = new TableStorageSubscriberStore(RecordedClient(recorder), _prefix);
        var again = await later.ListDueAsync(tick.AddMinutes(15), null, 10);
        Assert.Equal(page.Items, again.Items);
        var queries = recorder.Exchanges.Where(IsQuery).ToList();
        var query = Assert.Single(queries);
        Assert.StartsWith("PartitionKey eq 'subscriber' and RowKey gt '~due~'", HttpUtility.ParseQueryString(query.Uri.Query)["$filter"], StringComparison.Ordinal);
        Assert.Equal(1, recorder.Exchanges.Count(exchange => SubscriberKeyOf(exchange) == "~migration~due-index"));

        // The unreachable one becomes due when its mark clears, as any subscriber does.
        await later.RecordReachabilityAsync(new ReachabilityChange { Phone = "+15550000003", Unreachable = false, Actor = "inbound-message", Note = "n", At = tick });
        Assert.Equal(3, (await later.ListDueAsync(tick, null, 10)).Items.Count);
    }

    private static TableEntity OldSubscriber(string phone, string status, int? schemaVersion)
    {
        var entity = new TableEntity("subscriber", phone)
        {
            ["Channel"] = "whatsapp",
            ["Status"] = status,
            ["Purpose"] = "daily_mitzvot",
            ["Source"] = "admin",
            ["Evidence"] = """{"actor":"import"}""",
            ["CreatedAt"] = T0,
            ["UpdatedAt"] = T0,
            ["Version"] = 1L,
        };
        if (schemaVersion is { } version)
        {
            entity["SchemaVersion"] = version;
        }

        return entity;
    }

    private static string Key(DateTimeOffset at, string phone) =>
        string.Create(CultureInfo.InvariantCulture, $"~due~{at.ToUnixTimeMilliseconds():D15}~{phone}");

    private TableServiceClient RecordedClient(RecordingPolicy recorder)
    {
        var options = new TableClientOptions();
        options.AddPolicy(recorder, HttpPipelinePosition.PerCall);
        return azurite.CreateServiceClient(options);
    }

    private TableClient Table(string suffix) => azurite.CreateServiceClient().GetTableClient(_prefix + suffix);

    private bool IsQuery(RecordedExchange exchange) =>
        exchange.Method == "GET" && exchange.Uri.AbsolutePath.EndsWith($"/{_prefix}Subscribers()", StringComparison.Ordinal);

    private static bool IsSubscriberRead(RecordedExchange exchange) => SubscriberKeyOf(exchange)?.StartsWith('+') == true;

    /// <summary>The RowKey of a point read or write of one subscribers-table entity, else null.</summary>
    private static string? SubscriberKeyOf(RecordedExchange exchange)
    {
        var match = EntityPath().Match(Uri.UnescapeDataString(exchange.Uri.AbsolutePath));
        return match.Success ? match.Groups[1].Value : null;
    }

    private async Task<List<string>> IndexKeysAsync()
    {
        var keys = new List<string>();
        await foreach (var row in Table("Subscribers").QueryAsync<TableEntity>("PartitionKey eq 'subscriber' and RowKey gt '~due~' and RowKey lt '~due~~'"))
        {
            Assert.DoesNotContain("Status", row.Keys);
            keys.Add(row.RowKey);
        }

        return keys;
    }

    private static async Task<List<string>> ListPhonesAsync(ISubscriberStore store, ConsentStatus status)
    {
        var phones = new List<string>();
        await foreach (var subscriber in store.StreamAsync(status, pageSize: 50))
        {
            phones.Add(subscriber.Phone);
        }

        return phones;
    }

    private static Task ForEachAsync(IEnumerable<string> phones, Func<string, Task> action) =>
        Parallel.ForEachAsync(phones, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (phone, _) => await action(phone));

    private static List<JsonElement> Rows(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("value").EnumerateArray().Select(row => row.Clone()).ToList();
    }

    [GeneratedRegex(@"Subscribers\(PartitionKey='subscriber',RowKey='([^']*)'\)$")]
    private static partial Regex EntityPath();
}
