using Mitzvah.Core.Sending;

namespace Mitzvah.Twilio.Tests;

/// <summary>
/// A progress sink that reports synchronously, so a test can wait until a run has finished a number of recipients
/// (ledger written) without polling.
/// </summary>
internal sealed class ProgressSignal : IProgress<SendProgress>
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _done;

    public ProgressSignal(long done) => _done = done;

    /// <summary>Completes once the run has reported <c>done</c> recipients finished.</summary>
    public Task Reached => _reached.Task;

    public void Report(SendProgress value)
    {
        if (value.Done >= _done)
        {
            _reached.TrySetResult();
        }
    }
}
