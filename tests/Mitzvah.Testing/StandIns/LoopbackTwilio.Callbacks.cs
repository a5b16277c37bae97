using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Mitzvah.Testing.StandIns;

/// <summary>What Twilio does after its 201: status callbacks, WhatsApp's 24-hour window, inbound webhooks.</summary>
/// <remarks>
/// <para>
/// Every accepted message with a StatusCallback gets the callbacks of its fate (<see cref="LoopbackFate.Progression"/>):
/// form POSTs with MessageSid/SmsSid, MessageStatus/SmsStatus, ErrorCode on failures, To, From, AccountSid,
/// ApiVersion and ChannelPrefix=whatsapp, signed with the auth token over the exact callback URL. Like Twilio's they
/// come out of order and some twice; one that is not answered 2xx is posted once more. The shuffling and duplication
/// depend only on <see cref="LoopbackTwilioOptions.CallbackSeed"/> and the recipients, not on the order concurrent
/// sends arrive in, so a run with held callbacks repeats exactly.
/// </para>
/// <para>
/// A message's fate is scripted per recipient (<see cref="ScriptFate"/>), except that a freeform message (Body, no
/// ContentSid) to a number that has not written within 24 hours ends <c>undelivered</c> / 63016, as on WhatsApp since
/// 2025-04-01. A number writes by <see cref="NumberWrote"/> or <see cref="PostInboundAsync"/>.
/// </para>
/// </remarks>
public sealed partial class LoopbackTwilio
{
    /// <summary>WhatsApp's error for freeform outside the 24-hour window.</summary>
    public const string OutsideWindowError = "63016";

    private static readonly TimeSpan WhatsAppWindow = TimeSpan.FromHours(24);
    private static readonly HttpClient PrismHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly Channel<PendingCallback> _callbackQueue = Channel.CreateUnbounded<PendingCallback>();
    private readonly ConcurrentDictionary<string, LoopbackFate> _fateScripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _wroteAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LoopbackFate> _fates = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackStatusCallback> _callbacks = new();
    private readonly Lock _heldLock = new();
    private readonly List<PendingCallback> _held = [];
    private readonly Lock _randomLock = new();
    private Task[] _callbackWorkers = [];
    private long _pendingCallbacks;
    private long _prismRefusals;

    /// <summary>Every status callback posted so far (retries and duplicates included), in the order they were answered.</summary>
    public IReadOnlyList<LoopbackStatusCallback> Callbacks => [.. _callbacks];

    /// <summary>The fate of every accepted message that asked for callbacks, by MessageSid.</summary>
    public IReadOnlyDictionary<string, LoopbackFate> Fates => new Dictionary<string, LoopbackFate>(_fates, StringComparer.Ordinal);

    /// <summary>Status callbacks planned and not yet answered (or given up): held, queued or being posted.</summary>
    public long PendingCallbacks => Interlocked.Read(ref _pendingCallbacks);

    /// <summary>Status callbacks kept back until <see cref="ReleaseCallbacks"/> (with <see cref="LoopbackTwilioOptions.HoldCallbacks"/>).</summary>
    public int HeldCallbacks
    {
        get
        {
            lock (_heldLock)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Creates Prism refused (with <see cref="LoopbackTwilioOptions.PrismUrl"/>).</summary>
    public long PrismRefusals => Interlocked.Read(ref _prismRefusals);

    /// <summary>Every message to <paramref name="phone"/> accepted from now on ends as <paramref name="fate"/>.</summary>
    public void ScriptFate(string phone, LoopbackFate fate)
    {
        ArgumentNullException.ThrowIfNull(fate);
        _fateScripts[WithoutChannel(phone)] = fate;
    }

    /// <summary>The fate of the message <paramref name="messageSid"/>, or <see langword="null"/> if it asked for no callbacks.</summary>
    public LoopbackFate? FateOf(string messageSid) => _fates.TryGetValue(messageSid, out var fate) ? fate : null;

    /// <summary><paramref name="phone"/> wrote to the business at <paramref name="at"/>: its 24-hour window opens.</summary>
    public void NumberWrote(string phone, DateTimeOffset at) =>
        _wroteAt.AddOrUpdate(WithoutChannel(phone), at, (_, earlier) => at > earlier ? at : earlier);

    /// <summary>Whether freeform to <paramref name="phone"/> is allowed at <paramref name="at"/>.</summary>
    public bool WindowOpen(string phone, DateTimeOffset at) =>
        _wroteAt.TryGetValue(WithoutChannel(phone), out var wrote) && wrote <= at && at - wrote < WhatsAppWindow;

    /// <summary>
    /// <paramref name="phone"/> writes <paramref name="body"/> to the business: posts Twilio's inbound webhook, signed,
    /// to <paramref name="url"/> (the app's consent URL) through the poster, and opens the number's window.
    /// </summary>
    /// <returns>What the app answered (TwiML on success).</returns>
    public Task<WebhookAnswer> PostInboundAsync(Uri url, string phone, string body = "Thanks!", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        var e164 = WithoutChannel(phone);
        var sid = "SM" + Guid.NewGuid().ToString("N");
        var form = new List<KeyValuePair<string, string>>
        {
            new("SmsMessageSid", sid),
            new("NumMedia", "0"),
            new("ProfileName", "Loopback " + e164[^4..]),
            new("MessageType", "text"),
            new("SmsSid", sid),
            new("WaId", e164.TrimStart('+')),
            new("SmsStatus", "received"),
            new("Body", body),
            new("To", ChannelPrefix + _whatsAppNumber),
            new("NumSegments", "1"),
            new("ReferralNumMedia", "0"),
            new("MessageSid", sid),
            new("AccountSid", _accountSid),
            new("From", ChannelPrefix + e164),
            new("ApiVersion", ApiVersion),
        };
        NumberWrote(e164, TimeProvider.System.GetUtcNow());
        return _poster.PostAsync(WebhookPost.Sign(AuthToken, url, form), cancellationToken);
    }

    /// <summary>
    /// The status callback Twilio would post about <paramref name="message"/>, signed with <paramref name="authToken"/>
    /// (default: the loopback's): for tests that post one by hand, or forge one.
    /// </summary>
    public WebhookPost StatusCallbackPost(LoopbackMessage message, string status, string? errorCode = null, string? authToken = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var url = new Uri(message.StatusCallback ?? throw new ArgumentException("The message asked for no status callbacks.", nameof(message)));
        var form = new List<KeyValuePair<string, string>>
        {
            new("AccountSid", _accountSid),
            new("ApiVersion", ApiVersion),
            new("ChannelPrefix", "whatsapp"),
            new("From", message.From ?? ChannelPrefix + _whatsAppNumber),
            new("MessageSid", message.Sid),
            new("MessageStatus", status),
            new("SmsSid", message.Sid),
            new("SmsStatus", status),
            new("To", message.To),
        };
        if (message.MessagingServiceSid is not null)
        {
            form.Add(new("MessagingServiceSid", message.MessagingServiceSid));
        }

        if (errorCode is not null)
        {
            form.Add(new("ErrorCode", errorCode));
        }

        return WebhookPost.Sign(authToken ?? AuthToken, url, form);
    }

    /// <summary>Posts every held callback, all of them shuffled together; returns how many.</summary>
    public int ReleaseCallbacks()
    {
        PendingCallback[] released;
        lock (_heldLock)
        {
            // In a fixed order first, so that the seeded shuffle does not depend on the order sends arrived in.
            released = [.. _held.OrderBy(callback => callback.Message.Phone, StringComparer.Ordinal).ThenBy(callback => callback.Nth).ThenBy(callback => callback.Order)];
            _held.Clear();
        }

        lock (_randomLock)
        {
            _random.Shuffle(released);
        }

        foreach (var callback in released)
        {
            _callbackQueue.Writer.TryWrite(callback);
        }

        return released.Length;
    }

    /// <summary>Waits until every planned status callback has been answered or given up, never by polling.</summary>
    /// <exception cref="InvalidOperationException">Callbacks are held: they would never be answered.</exception>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, a guard against a hang.</exception>
    public Task WaitForCallbacksAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (HeldCallbacks > 0)
        {
            throw new InvalidOperationException($"{HeldCallbacks} status callbacks are held; call {nameof(ReleaseCallbacks)} first.");
        }

        return WaitUntilAsync(loopback => loopback.PendingCallbacks == 0, timeout, cancellationToken);
    }

    private void StartCallbackWorkers(int concurrency) =>
        _callbackWorkers = [.. Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(PostCallbacksAsync))];

    private async Task StopCallbackWorkersAsync()
    {
        _callbackQueue.Writer.TryComplete();
        await Task.WhenAll(_callbackWorkers).ConfigureAwait(false);
        _ownedPoster?.Dispose();
    }

    /// <summary>Decides the fate of an accepted message and plans its callbacks; they go out with <see cref="DispatchCallbacks"/>.</summary>
    private PendingCallback[] PlanCallbacks(LoopbackMessage message, DateTimeOffset acceptedAt)
    {
        if (message.StatusCallback is null || !Uri.IsWellFormedUriString(message.StatusCallback, UriKind.Absolute))
        {
            return [];
        }

        var freeform = message.ContentSid is null && message.Body is not null;
        var fate = freeform && !WindowOpen(message.Phone, acceptedAt)
            ? LoopbackFate.Undelivered(OutsideWindowError)
            : _fateScripts.TryGetValue(message.Phone, out var scripted) ? scripted : _defaultFate;
        _fates[message.Sid] = fate;
        var nth = CountTo(message.Phone);
        var random = new Random(StableSeed(message.Phone, nth));
        var planned = new List<PendingCallback>();
        foreach (var status in fate.Progression())
        {
            var errorCode = status is "failed" or "undelivered" ? fate.ErrorCode : null;
            var post = StatusCallbackPost(message, status, errorCode);
            planned.Add(new PendingCallback(message, nth, planned.Count, status, errorCode, post, Duplicate: false));
            if (random.NextDouble() < _duplicateRate)
            {
                planned.Add(new PendingCallback(message, nth, planned.Count, status, errorCode, post, Duplicate: true));
            }
        }

        var callbacks = planned.ToArray();
        random.Shuffle(callbacks);
        Interlocked.Add(ref _pendingCallbacks, callbacks.Length);
        if (_holdCallbacks)
        {
            lock (_heldLock)
            {
                _held.AddRange(callbacks);
            }

            return [];
        }

        return callbacks;
    }

    private void DispatchCallbacks(PendingCallback[] callbacks)
    {
        foreach (var callback in callbacks)
        {
            _callbackQueue.Writer.TryWrite(callback);
        }
    }

    private async Task PostCallbacksAsync()
    {
        try
        {
            await foreach (var pending in _callbackQueue.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                // Twilio retries a callback once when it is not answered 2xx.
                if (!(await PostOnceAsync(pending, attempt: 1).ConfigureAwait(false)).Answered && !_stopping.IsCancellationRequested)
                {
                    await PostOnceAsync(pending, attempt: 2).ConfigureAwait(false);
                }

                Interlocked.Decrement(ref _pendingCallbacks);
                Changed();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The loopback is stopping; callbacks not yet posted are dropped.
        }
    }

    private async Task<LoopbackStatusCallback> PostOnceAsync(PendingCallback pending, int attempt)
    {
        var started = Stopwatch.GetTimestamp();
        WebhookAnswer? answer = null;
        string? error = null;
        try
        {
            answer = await _poster.PostAsync(pending.Post, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            error = exception.GetType().Name + ": " + exception.Message;
        }

        var record = new LoopbackStatusCallback
        {
            MessageSid = pending.Message.Sid,
            Phone = pending.Message.Phone,
            Status = pending.Status,
            ErrorCode = pending.ErrorCode,
            Post = pending.Post,
            Attempt = attempt,
            Duplicate = pending.Duplicate,
            Answer = answer,
            PostError = error,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        _callbacks.Enqueue(record);
        return record;
    }

    /// <summary>Why Prism refuses the create, or <see langword="null"/> when it accepts it (or no Prism is set).</summary>
    private async Task<string?> PrismRefusalAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        if (_prismUrl is null)
        {
            return null;
        }

        var fields = form.SelectMany(field => field.Value.Select(value => KeyValuePair.Create(field.Key, value ?? string.Empty)));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_prismUrl, _messagesPath)) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(_authorization);
        using var response = await PrismHttp.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        Interlocked.Increment(ref _prismRefusals);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture, $"Prism refused the create ({(int)response.StatusCode}): {body[..Math.Min(body.Length, 600)]}");
    }

    // FNV-1a over the recipient and its message count, with the seed: stable across processes, unlike GetHashCode.
    private int StableSeed(string phone, int nth)
    {
        var hash = 2166136261u ^ (uint)_callbackSeed;
        foreach (var c in phone + "#" + nth.ToString(CultureInfo.InvariantCulture))
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)hash;
    }

    private sealed record PendingCallback(LoopbackMessage Message, int Nth, int Order, string Status, string? ErrorCode, WebhookPost Post, bool Duplicate);
}
