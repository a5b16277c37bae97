using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.StandIns;
using Xunit.Abstractions;

namespace Mitzvah.Twilio.Tests;

/// <summary>
/// A run that cannot finish before its host's deadline, end to end: SQLite, the real Twilio messenger and a slow
/// loopback Twilio, with a deadline a few seconds away instead of a function's timeout.
/// </summary>
public sealed class DailySendDeadlineEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    private DailySendHarness _harness = null!;

    public async Task InitializeAsync() =>
        _harness = await DailySendHarness.StartAsync(new LoopbackTwilioOptions { Latency = TimeSpan.FromMilliseconds(500) });

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_run_stopped_by_its_deadline_records_what_twilio_took_and_a_rerun_serves_the_rest_once()
    {
        var phones = await _harness.SeedAsync(40);
        var services = _harness.BuildServices(concurrency: 2, send: o => o.DeadlineMargin = Margin);

        // Forty sends at two at a time and half a second each need ten seconds; the run stops claiming after two.
        var deadline = _harness.Time.GetUtcNow() + Margin + TimeSpan.FromSeconds(2);
        var first = await DailySendHarness.RunAsync(services, new SendRequest(Date: TestMessengers.SendDay, Deadline: deadline));

        output.WriteLine(first.ToJson());
        Assert.True(first.StoppedAtDeadline);
        Assert.InRange(first.Remaining, 1, 40);
        Assert.Equal(40, first.Eligible);
        Assert.Equal(40, first.Sent + first.Remaining);
        Assert.Equal(0, first.Failed);

        // Every message Twilio accepted, including those in flight at the stop, is in the ledger; nothing else is.
        Assert.Equal(first.Sent, _harness.Loopback.AcceptedCount);
        var records = await _harness.Ledger.ListAsync(TestMessengers.SendDay);
        Assert.Equal(first.Sent, records.Count);
        Assert.All(records, r => Assert.Equal(DeliveryState.Sent, r.State));
        Assert.Equal(
            _harness.Loopback.Accepted.Select(m => m.Sid).Order(StringComparer.Ordinal),
            records.Select(r => r.MessageId).Order(StringComparer.Ordinal));

        _harness.Loopback.Latency = TimeSpan.Zero;
        var rerun = await DailySendHarness.RunAsync(_harness.BuildServices(concurrency: 8), new SendRequest(Date: TestMessengers.SendDay));

        output.WriteLine(rerun.ToJson());
        Assert.False(rerun.StoppedAtDeadline);
        Assert.Equal(0, rerun.Remaining);
        Assert.Equal(first.Remaining, rerun.Sent);
        Assert.Equal(first.Sent, rerun.AlreadySent);
        Assert.All(phones, phone => Assert.Equal(1, _harness.Loopback.CountTo(phone)));
        Assert.Equal(40, _harness.Loopback.AcceptedCount);
    }
}
