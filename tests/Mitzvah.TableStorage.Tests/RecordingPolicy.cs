using Azure.Core;
using Azure.Core.Pipeline;

namespace Mitzvah.TableStorage.Tests;

/// <summary>Records every request the SDK sends and the body the service answered with.</summary>
internal sealed class RecordingPolicy : HttpPipelinePolicy
{
    private readonly List<RecordedExchange> _exchanges = [];

    public IReadOnlyList<RecordedExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges];
            }
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Record(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        Record(message);
    }

    private void Record(HttpMessage message)
    {
        var exchange = new RecordedExchange(
            message.Request.Method.Method,
            message.Request.Uri.ToUri(),
            message.Response.Status,
            message.Response.Content?.ToString() ?? string.Empty);
        lock (_exchanges)
        {
            _exchanges.Add(exchange);
        }
    }
}

internal sealed record RecordedExchange(string Method, Uri Uri, int Status, string ResponseBody);
