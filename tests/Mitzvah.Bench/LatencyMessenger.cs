using System.Collections.Concurrent;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;

namespace Mitzvah.Bench;

/// <summary>
/// A loopback messenger without HTTP: it accepts every message after a fixed latency and records, for each, the
/// recipient, the message's study date and the tick it went out in, so the benchmark can check who got what when.
/// </summary>
internal sealed class LatencyMessenger(TimeSpan latency) : IMessenger
{
    private readonly ConcurrentQueue<Delivered> _sends = new();
    private readonly ConcurrentDictionary<(string Phone, DateOnly Date), string> _accepted = new();
    private long _tickUtcTicks;

    public string Kind => "loopback";

    public bool HasTemplate => false;

    /// <summary>The tick now running; set by the benchmark before each tick.</summary>
    public DateTimeOffset Tick
    {
        get => new(Interlocked.Read(ref _tickUtcTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _tickUtcTicks, value.UtcTicks);
    }

    public int Count => _sends.Count;

    public IReadOnlyCollection<Delivered> Sends => _sends;

    public async Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken).ConfigureAwait(false);
        }

        var id = "SM" + Guid.NewGuid().ToString("N");
        _accepted[(phone, message.Date)] = id;
        _sends.Enqueue(new Delivered(phone, message.Date, Tick));
        return SendOutcome.Sent(id);
    }

    public Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Task.FromResult(_accepted.TryGetValue((phone, message.Date), out var id) ? id : null);
    }

    /// <summary>One accepted message: to whom, of which study date, in which tick.</summary>
    internal sealed record Delivered(string Phone, DateOnly Date, DateTimeOffset Tick);
}
