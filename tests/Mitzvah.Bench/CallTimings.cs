using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;

namespace Mitzvah.Bench;

/// <summary>Wall time of each call to the ledger and the messenger, for <c>--profile</c>.</summary>
internal sealed class CallTimings
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _timings = new(StringComparer.Ordinal);

    public async Task<T> TimeAsync<T>(Func<Task<T>> call, [CallerArgumentExpression(nameof(call))] string name = "")
    {
        // SQLite's async calls do their work synchronously, so the clock starts before the call is made.
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            var start = name.IndexOf('.', StringComparison.Ordinal) + 1;
            var key = name[start..name.IndexOf('(', start)];
            _timings.GetOrAdd(key, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public IEnumerable<string> Report()
    {
        foreach (var (name, bag) in _timings.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var values = bag.Order().ToArray();
            double At(double q) => values[Math.Min(values.Length - 1, (int)(q * values.Length))];
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"{name,-36} n={values.Length,6} mean={values.Average(),8:F2} ms  p50={At(0.5),8:F2}  p99={At(0.99),8:F2}  max={values[^1],8:F2}");
        }
    }

    /// <summary>Times every ledger call.</summary>
    public sealed class Ledger(IDeliveryLedger inner, CallTimings timings) : IDeliveryLedger
    {
        public Task<DeliveryRecord?> TryClaimAsync(DateOnly studyDate, string phone, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.TryClaimAsync(studyDate, phone, now, lease, cancellationToken));

        public Task<bool> MarkSentAsync(
            DateOnly studyDate, string phone, string claimId, string messageId, DateTimeOffset now, MessageForm form = MessageForm.Freeform, bool outsideWindow = false, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.MarkSentAsync(studyDate, phone, claimId, messageId, now, form, outsideWindow, cancellationToken));

        public Task<DeliveryRecord?> TryClaimResendAsync(DateOnly studyDate, string phone, string messageId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.TryClaimResendAsync(studyDate, phone, messageId, now, lease, cancellationToken));

        public Task<bool> MarkFailedAsync(DateOnly studyDate, string phone, string claimId, string errorCode, bool permanent, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.MarkFailedAsync(studyDate, phone, claimId, errorCode, permanent, now, cancellationToken));

        public Task<bool> RecordStatusAsync(DateOnly studyDate, string phone, string messageId, DeliveryStatus status, string? errorCode, DateTimeOffset at, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.RecordStatusAsync(studyDate, phone, messageId, status, errorCode, at, cancellationToken));

        public Task<DeliveryRecord?> GetAsync(DateOnly studyDate, string phone, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.GetAsync(studyDate, phone, cancellationToken));

        public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DateOnly studyDate, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.ListAsync(studyDate, cancellationToken));
    }

    /// <summary>Times every messenger call.</summary>
    public sealed class Messenger(IMessenger inner, CallTimings timings) : IMessenger
    {
        public string Kind => inner.Kind;

        public bool HasTemplate => inner.HasTemplate;

        public Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.SendAsync(phone, message, form, cancellationToken));

        public Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default) =>
            timings.TimeAsync(() => inner.FindAcceptedAsync(phone, message, since, cancellationToken));
    }
}
