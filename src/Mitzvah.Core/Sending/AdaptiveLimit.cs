namespace Mitzvah.Core.Sending;

/// <summary>
/// How many provider calls may be in flight: at most the configured concurrency, halved when the provider
/// says it is overloaded and grown back by one per window of calls that were not (additive increase, multiplicative
/// decrease). A concurrency set above the account's limit then settles just under it instead of spending every
/// recipient's attempts on 429s.
/// </summary>
internal sealed class AdaptiveLimit
{
    private readonly int _maximum;
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource<int>> _waiting = new();
    private double _limit;
    private int _inFlight;

    // Calls already in flight when a 429 arrives answer 429 too: they describe the overload that cut the limit, so
    // only a call that entered after the latest cut may cut again (once per round trip, as TCP does).
    private int _cuts;

    public AdaptiveLimit(int maximum)
    {
        _maximum = maximum;
        _limit = maximum;
    }

    public int Current
    {
        get
        {
            lock (_gate)
            {
                return (int)_limit;
            }
        }
    }

    /// <summary>Waits for a slot; returns the ticket to hand to <see cref="Exit"/>.</summary>
    public async Task<int> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<int> turn;
        lock (_gate)
        {
            if (_inFlight < (int)_limit)
            {
                _inFlight++;
                return _cuts;
            }

            turn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
        }

        using (cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken)))
        {
            return await turn.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Gives the slot back, saying whether the provider answered "too many requests".</summary>
    public void Exit(int ticket, bool rateLimited)
    {
        lock (_gate)
        {
            _inFlight--;
            if (rateLimited)
            {
                if (ticket == _cuts)
                {
                    _limit = Math.Max(1, _limit / 2);
                    _cuts++;
                }
            }
            else if (_limit < _maximum)
            {
                _limit = Math.Min(_maximum, _limit + (1 / _limit));
            }

            while (_inFlight < (int)_limit && _waiting.TryDequeue(out var next))
            {
                // A waiter that was cancelled meanwhile gives its turn to the next.
                if (next.TrySetResult(_cuts))
                {
                    _inFlight++;
                }
            }
        }
    }
}
