using Mitzvah.Core.Consent;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.DynamoDb.Tests;

/// <summary>The due listing reads the due subscribers and nobody else, as the requests the SDK sends show.</summary>
[Collection(SharedDynalite.Name)]
public sealed class DynamoDbSubscriberStoreDueIndexTests(DynaliteFixture dynalite)
{
    private static readonly DateTimeOffset T0 = ConsentChangeBuilder.DefaultAt;

    [Fact]
    public async Task Of_200_opted_in_subscribers_the_due_listing_reads_only_the_7_due_ones_with_one_index_query()
    {
        var (options, due) = await SeedAsync();
        using var recorded = new RecordedDynamoDbRequests(dynalite);
        var store = new DynamoDbSubscriberStore(recorded.Client, options);

        var page = await store.ListDueAsync(T0.AddHours(1), null, 100);

        Assert.Equal(due, page.Items.Select(subscriber => subscriber.Phone));
        Assert.Null(page.ContinuationToken);
        var request = Assert.Single(recorded.Requests);
        Assert.Equal("DynamoDB_20120810.Query", request.Operation);
        Assert.Equal("due-index", request.IndexName);
        Assert.Equal(7, request.Count);
        Assert.Equal(7, request.ScannedCount);
        Assert.Equal(due, request.ItemPhones);
    }

    [Fact]
    public async Task Paging_the_due_listing_reads_due_subscribers_only_and_each_at_most_twice()
    {
        var (options, due) = await SeedAsync();
        using var recorded = new RecordedDynamoDbRequests(dynalite);
        var store = new DynamoDbSubscriberStore(recorded.Client, options);

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListDueAsync(T0.AddHours(1), token, 3);
            seen.AddRange(page.Items.Select(subscriber => subscriber.Phone));
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal(due, seen);
        Assert.Equal(3, recorded.Requests.Count);
        Assert.All(recorded.Requests, request =>
        {
            Assert.Equal("DynamoDB_20120810.Query", request.Operation);
            Assert.Equal("due-index", request.IndexName);
            Assert.Equal(request.Count, request.ScannedCount);
        });

        // Each page reads one subscriber past its end to know whether another page follows: 4 + 4 + 1.
        var read = recorded.Requests.SelectMany(request => request.ItemPhones).ToList();
        Assert.Equal(9, read.Count);
        Assert.All(read, phone => Assert.Contains(phone, due));
    }

    /// <summary>
    /// 200 opted-in subscribers of which 7 are due at T0 + 1 h (the others moved to the next day), plus opted-out and
    /// unreachable ones whose stored times have passed; returns the due phones in due order.
    /// </summary>
    private async Task<(DynamoDbOptions Options, List<string> Due)> SeedAsync()
    {
        var options = await dynalite.CreateTablesAsync();
        var store = new DynamoDbSubscriberStore(dynalite.Client, options);
        var phones = Enumerable.Range(0, 200).Select(TestPhones.Numbered).ToList();
        var dueIndexes = new[] { 3, 50, 51, 99, 120, 150, 199 };
        await Parallel.ForEachAsync(phones.Select((phone, i) => (phone, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, cancellationToken) =>
        {
            // Two of the due share a time, so the phone orders them; the others are later in the hour or the next day.
            var at = dueIndexes.Contains(pair.i) ? T0.AddMinutes(pair.i % 50) : T0;
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(pair.phone).At(at).Build(), cancellationToken);
            if (!dueIndexes.Contains(pair.i))
            {
                Assert.True(await store.SetNextSendAtAsync(pair.phone, at, T0.AddDays(1), cancellationToken));
            }
        });

        foreach (var i in Enumerable.Range(200, 5))
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).At(T0).Build());
            await store.RecordConsentAsync(ConsentChangeBuilder.OptOut(TestPhones.Numbered(i)).At(T0.AddMinutes(1)).Build());
        }

        foreach (var i in Enumerable.Range(205, 3))
        {
            await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Numbered(i)).At(T0).Build());
            await store.RecordReachabilityAsync(new ReachabilityChange
            {
                Phone = TestPhones.Numbered(i),
                Unreachable = true,
                ErrorCode = "63024",
                Actor = "delivery-status",
                Note = "undelivered on two send days",
                At = T0.AddMinutes(1),
            });
        }

        Assert.Equal(200, await store.CountAsync(ConsentStatus.OptedIn));
        var due = dueIndexes
            .Select(i => (Phone: phones[i], Minute: i % 50))
            .OrderBy(pair => pair.Minute)
            .ThenBy(pair => pair.Phone, StringComparer.Ordinal)
            .Select(pair => pair.Phone)
            .ToList();
        return (options, due);
    }
}
