using System.Globalization;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;

namespace Mitzvah.Testing.InMemory;

/// <summary>
/// A messenger for unit tests of the daily run: it accepts every message unless scripted otherwise, records every
/// call, and answers the "was it already accepted" look-up from what it accepted.
/// </summary>
/// <remarks>
/// <para>
/// Scripts are per recipient and used in order: <see cref="Script"/> queues answers (or <see cref="ScriptThrow"/> a
/// messenger bug) for the next sends, and <see cref="ScriptAlways"/> answers every send once the queue is used up.
/// <see cref="ScriptLookupFailures"/> makes the next look-ups fail, as a provider that cannot be asked.
/// </para>
/// <para>
/// <see cref="Hold"/> keeps every later send in flight until <see cref="Release"/>: the message is taken (and found by
/// the look-up) when the call arrives, but the caller hears back only when released, so a test sees how many calls
/// the run has in flight at once, and a run cancelled meanwhile leaves a message accepted without an answer.
/// <see cref="WaitUntilAsync"/> waits for a state of the messenger without polling.
/// </para>
/// <para>
/// As the port requires, failures are answered, not thrown; only the caller's cancellation (and a scripted throw)
/// throws. Thread-safe: calls may run concurrently with each other and with the test's scripts and reads.
/// </para>
/// </remarks>
public sealed class InMemoryMessenger : IMessenger
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Step>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SendOutcome> _always = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Exception>> _lookupFailures = new(StringComparer.Ordinal);
    private readonly List<InMemorySend> _sends = [];
    private readonly List<InMemorySend> _accepted = [];
    private readonly List<string> _lookups = [];
    private readonly List<TaskCompletionSource> _held = [];
    private readonly List<(Func<InMemoryMessenger, bool> Condition, TaskCompletionSource Reached)> _waiters = [];
    private bool _holding;
    private int _inFlight;
    private int _nextId;

    /// <summary>Creates a messenger that stamps calls with <paramref name="time"/> (the system clock if null).</summary>
    public InMemoryMessenger(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Kind => "in-memory";

    /// <inheritdoc />
    /// <remarks>Settable: a test configures a template or not. A template send without one is answered as rejected.</remarks>
    public bool HasTemplate { get; set; }

    /// <summary>Every send so far, in the order the calls arrived.</summary>
    public IReadOnlyList<InMemorySend> Sends
    {
        get
        {
            lock (_gate)
            {
                return [.. _sends];
            }
        }
    }

    /// <summary>Every message taken, in the order taken: accepted sends and those of <see cref="AddAccepted"/>.</summary>
    public IReadOnlyList<InMemorySend> Accepted
    {
        get
        {
            lock (_gate)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>The recipients of every look-up so far, in the order asked.</summary>
    public IReadOnlyList<string> Lookups
    {
        get
        {
            lock (_gate)
            {
                return [.. _lookups];
            }
        }
    }

    /// <summary>Sends that arrived and have not answered yet (held ones included).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>How many messages were taken for <paramref name="phone"/>.</summary>
    public int CountTo(string phone)
    {
        lock (_gate)
        {
            return _accepted.Count(send => send.Phone == phone);
        }
    }

    /// <summary>
    /// Queues <paramref name="outcomes"/> as the answers to the next sends to <paramref name="phone"/>, one per call.
    /// A failed outcome is answered as is; an accepted one takes the message under its id.
    /// </summary>
    public void Script(string phone, params SendOutcome[] outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        foreach (var outcome in outcomes)
        {
            Enqueue(phone, new Step(outcome ?? throw new ArgumentException("A scripted outcome is null.", nameof(outcomes)), null));
        }
    }

    /// <summary>Makes the next send to <paramref name="phone"/> throw <paramref name="exception"/>, as a messenger with a bug would.</summary>
    public void ScriptThrow(string phone, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Enqueue(phone, new Step(null, exception));
    }

    /// <summary>Answers every send to <paramref name="phone"/> with <paramref name="outcome"/> once its queue is used up.</summary>
    public void ScriptAlways(string phone, SendOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_gate)
        {
            _always[phone] = outcome;
        }
    }

    /// <summary>Makes the next look-ups for <paramref name="phone"/> throw <paramref name="failures"/>, one per call.</summary>
    public void ScriptLookupFailures(string phone, params Exception[] failures)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(failures);
        lock (_gate)
        {
            if (!_lookupFailures.TryGetValue(phone, out var queue))
            {
                queue = new Queue<Exception>();
                _lookupFailures[phone] = queue;
            }

            foreach (var failure in failures)
            {
                queue.Enqueue(failure ?? throw new ArgumentException("A scripted failure is null.", nameof(failures)));
            }
        }
    }

    /// <summary>
    /// Records <paramref name="message"/> as taken for <paramref name="phone"/> now, without a call (it is not in
    /// <see cref="Sends"/>): an earlier run's send whose answer never reached the ledger. Returns the message's id.
    /// </summary>
    public string AddAccepted(string phone, DailyMessage message)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(message);
        lock (_gate)
        {
            var id = NewId();
            _accepted.Add(new InMemorySend { Phone = phone, Message = message, At = _time.GetUtcNow(), InFlight = 0, Outcome = SendOutcome.Sent(id) });
            Changed();
            return id;
        }
    }

    /// <summary>Keeps every send that arrives from now on in flight until it is released.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>Lets the <paramref name="count"/> oldest held sends answer; returns how many were released.</summary>
    public int Release(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskCompletionSource[] released;
        lock (_gate)
        {
            released = [.. _held.Take(count)];
            _held.RemoveRange(0, released.Length);
        }

        foreach (var call in released)
        {
            call.TrySetResult();
        }

        return released.Length;
    }

    /// <summary>Releases every held send and stops holding.</summary>
    public void ReleaseAll()
    {
        lock (_gate)
        {
            _holding = false;
        }

        Release(int.MaxValue);
    }

    /// <summary>
    /// Completes once <paramref name="condition"/> holds, checking it now and after every change of the messenger's
    /// state (a call arriving, answering or being looked up), never by polling.
    /// </summary>
    public async Task WaitUntilAsync(Func<InMemoryMessenger, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = (Condition: condition, Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (condition(this))
            {
                return;
            }

            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <inheritdoc />
    public async Task<SendOutcome> SendAsync(string phone, DailyMessage message, MessageForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        Step step;
        SendOutcome? outcome;
        TaskCompletionSource? hold = null;
        lock (_gate)
        {
            step = form == MessageForm.Template && !HasTemplate
                ? new Step(SendOutcome.Failed(SendFailureKind.Rejected, "no-template", "No template is configured."), null)
                : NextStep(phone);
            outcome = step.Exception is not null ? null
                : step.Outcome is null ? SendOutcome.Sent(NewId())
                : step.Outcome;
            _inFlight++;
            var send = new InMemorySend { Phone = phone, Message = message, Form = form, At = _time.GetUtcNow(), InFlight = _inFlight, Outcome = outcome };
            _sends.Add(send);
            if (send.Accepted)
            {
                _accepted.Add(send);
            }

            if (_holding)
            {
                hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _held.Add(hold);
            }

            Changed();
        }

        try
        {
            if (hold is not null)
            {
                try
                {
                    await hold.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    lock (_gate)
                    {
                        _held.Remove(hold);
                    }

                    throw;
                }
            }

            return step.Exception is { } exception ? throw exception : outcome!;
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
                Changed();
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Finds a message taken for <paramref name="phone"/> with the same date and text, at or after <paramref name="since"/>.</remarks>
    public Task<string?> FindAcceptedAsync(string phone, DailyMessage message, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phone);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _lookups.Add(phone);
            Changed();
            if (_lookupFailures.TryGetValue(phone, out var failures) && failures.TryDequeue(out var failure))
            {
                return Task.FromException<string?>(failure);
            }

            var found = _accepted.FirstOrDefault(send => send.Phone == phone
                && send.Message.Date == message.Date
                && send.Message.WhatsApp.Body == message.WhatsApp.Body
                && send.At >= since);
            return Task.FromResult(found?.Outcome?.MessageId);
        }
    }

    private void Enqueue(string phone, Step step)
    {
        ArgumentNullException.ThrowIfNull(phone);
        lock (_gate)
        {
            if (!_scripts.TryGetValue(phone, out var queue))
            {
                queue = new Queue<Step>();
                _scripts[phone] = queue;
            }

            queue.Enqueue(step);
        }
    }

    /// <summary>The scripted step for the next send to <paramref name="phone"/>; called under the lock.</summary>
    private Step NextStep(string phone)
    {
        if (_scripts.TryGetValue(phone, out var queue) && queue.TryDequeue(out var step))
        {
            return step;
        }

        return new Step(_always.GetValueOrDefault(phone), null);
    }

    /// <summary>A provider-style id; called under the lock.</summary>
    private string NewId() => "IM" + (++_nextId).ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>Completes the waiters whose condition now holds; called under the lock.</summary>
    private void Changed()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Condition(this))
            {
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    /// <summary>One scripted answer: an outcome (null: accept under a new id) or an exception to throw.</summary>
    private sealed record Step(SendOutcome? Outcome, Exception? Exception);
}
