using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace Mitzvah.DynamoDb.Tests;

/// <summary>
/// A client of the dynalite whose HTTP requests are recorded as the SDK sends them: the operation
/// (<c>X-Amz-Target</c>), the index it names, and what the response says it read.
/// </summary>
public sealed class RecordedDynamoDbRequests : IDisposable
{
    private readonly ConcurrentQueue<Request> _requests = new();

    public RecordedDynamoDbRequests(DynaliteFixture dynalite)
    {
        ArgumentNullException.ThrowIfNull(dynalite);
        Client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("x", "x"),
            new AmazonDynamoDBConfig
            {
                ServiceURL = dynalite.Server.BaseUrl.ToString(),
                AuthenticationRegion = "us-east-1",
                HttpClientFactory = new RecordingFactory(this),
                MaxErrorRetry = 0,
            });
    }

    /// <summary>The client whose requests are recorded.</summary>
    public IAmazonDynamoDB Client { get; }

    /// <summary>The requests recorded so far, in the order they completed.</summary>
    public IReadOnlyList<Request> Requests => [.. _requests];

    public void Clear() => _requests.Clear();

    public void Dispose() => Client.Dispose();

    /// <summary>One request: its operation, index, and the response's counts and item phones.</summary>
    public sealed record Request(string Operation, string? IndexName, int Count, int ScannedCount, IReadOnlyList<string> ItemPhones);

    private sealed class RecordingFactory(RecordedDynamoDbRequests recorder) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(new RecordingHandler(recorder));
    }

    private sealed class RecordingHandler(RecordedDynamoDbRequests recorder) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var operation = request.Headers.TryGetValues("X-Amz-Target", out var targets) ? string.Join(",", targets) : "(none)";
            string? indexName = null;
            if (request.Content is not null)
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                using var sent = JsonDocument.Parse(await request.Content.ReadAsStringAsync(cancellationToken));
                indexName = sent.RootElement.TryGetProperty("IndexName", out var index) ? index.GetString() : null;
            }

            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            int count = 0, scanned = 0;
            var phones = new List<string>();
            if (body.Length > 0)
            {
                using var received = JsonDocument.Parse(body);
                var root = received.RootElement;
                count = root.TryGetProperty("Count", out var c) ? c.GetInt32() : 0;
                scanned = root.TryGetProperty("ScannedCount", out var s) ? s.GetInt32() : 0;
                if (root.TryGetProperty("Items", out var items))
                {
                    phones.AddRange(items.EnumerateArray().Select(item => item.GetProperty("phone").GetProperty("S").GetString()!));
                }

                if (root.TryGetProperty("Item", out var item))
                {
                    phones.Add(item.GetProperty("phone").GetProperty("S").GetString()!);
                }
            }

            recorder._requests.Enqueue(new Request(operation, indexName, count, scanned, phones));
            return response;
        }
    }
}
