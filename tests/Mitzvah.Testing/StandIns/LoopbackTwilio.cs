using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Mitzvah.Testing.StandIns;

/// <summary>
/// An in-process stand-in for Twilio's Messages API on 127.0.0.1 and a free port, for the error paths and load that
/// Prism cannot play: latency, a concurrency limit answered with 429, and scripted answers per recipient.
/// </summary>
/// <remarks>
/// <para>
/// <c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c> takes Twilio's form fields and answers 201 with a
/// message resource; <c>GET</c> on the same path lists accepted messages, newest first, filtered by To and From, in
/// Twilio's page shape. Both check Basic credentials (401 / 20003 otherwise). Missing To, sender or content are
/// refused as Twilio does (21604, 21603, 21602).
/// </para>
/// <para>
/// After the 201 it behaves as Twilio does: signed status callbacks to each message's StatusCallback, out of order
/// and some twice, fates scripted per recipient and WhatsApp's 24-hour window (see the other part of this class).
/// </para>
/// <para>
/// Every accepted message, every request and the peak number of requests in flight are recorded. Thread-safe: the
/// recordings and scripts may be read and changed while requests run.
/// </para>
/// </remarks>
public sealed partial class LoopbackTwilio : IAsyncDisposable
{
    /// <summary>The account SID a loopback accepts unless told otherwise.</summary>
    public const string DefaultAccountSid = "AC0123456789abcdef0123456789abcdef";

    /// <summary>The auth token a loopback accepts unless told otherwise.</summary>
    public const string DefaultAuthToken = "loopback-auth-token";

    private const string ApiVersion = "2010-04-01";
    private const string ChannelPrefix = "whatsapp:";
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;
    private const int MaxInternedStrings = 4096;

    private readonly WebApplication _app;
    private readonly string _accountSid;
    private readonly string _authorization;
    private readonly string _messagesPath;
    private readonly Func<string, IReadOnlyDictionary<string, string>, string> _renderTemplate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _acceptedLock = new();
    private readonly List<LoopbackMessage> _accepted = [];
    private readonly ConcurrentDictionary<string, int> _countsByPhone = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly ConcurrentDictionary<string, PhoneScript> _sendScripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PhoneScript> _listScripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _interned = new(StringComparer.Ordinal);
    private readonly Lock _waitersLock = new();
    private readonly List<(Func<LoopbackTwilio, bool> Condition, TaskCompletionSource Reached)> _waiters = [];
    private readonly IWebhookPoster _poster;
    private readonly HttpWebhookPoster? _ownedPoster;
    private readonly Random _random;
    private readonly int _callbackSeed;
    private readonly double _duplicateRate;
    private readonly bool _holdCallbacks;
    private readonly LoopbackFate _defaultFate;
    private readonly string _whatsAppNumber;
    private readonly Uri? _prismUrl;
    private long _latencyTicks;
    private int _concurrencyLimit;
    private long _requestCount;
    private long _tooManyRequests;
    private int _inFlight;
    private int _peakInFlight;

    private LoopbackTwilio(WebApplication app, LoopbackTwilioOptions options)
    {
        _app = app;
        _accountSid = options.AccountSid;
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(options.AccountSid + ":" + options.AuthToken));
        _messagesPath = $"/{ApiVersion}/Accounts/{options.AccountSid}/Messages.json";
        _renderTemplate = options.RenderTemplate ?? DefaultRender;
        AuthToken = options.AuthToken;
        Latency = options.Latency;
        ConcurrencyLimit = options.ConcurrencyLimit;
        _ownedPoster = options.WebhookPoster is null ? new HttpWebhookPoster() : null;
        _poster = options.WebhookPoster ?? _ownedPoster!;
        _random = new Random(options.CallbackSeed);
        _callbackSeed = options.CallbackSeed;
        _duplicateRate = Math.Clamp(options.DuplicateRate, 0, 1);
        _holdCallbacks = options.HoldCallbacks;
        _defaultFate = options.DefaultFate;
        _whatsAppNumber = WithoutChannel(options.WhatsAppNumber);
        _prismUrl = options.PrismUrl;
    }

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234</c>: the value for <c>TWILIO_API_BASE_URL</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The account whose credentials are accepted.</summary>
    public string AccountSid => _accountSid;

    /// <summary>The auth token accepted with <see cref="AccountSid"/>.</summary>
    public string AuthToken { get; }

    /// <summary>How long every answered request takes.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Requests in flight above this many are answered 429 / 20429 with Retry-After: 1; null for no limit.</summary>
    public int? ConcurrencyLimit
    {
        get => Volatile.Read(ref _concurrencyLimit) is var limit and > 0 ? limit : null;
        set => Volatile.Write(ref _concurrencyLimit, value is { } limit ? Math.Max(1, limit) : 0);
    }

    /// <summary>Every message accepted so far, in the order accepted.</summary>
    public IReadOnlyList<LoopbackMessage> Accepted
    {
        get
        {
            lock (_acceptedLock)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>How many messages were accepted.</summary>
    public int AcceptedCount
    {
        get
        {
            lock (_acceptedLock)
            {
                return _accepted.Count;
            }
        }
    }

    /// <summary>Every request received so far, in the order they were answered (or given up).</summary>
    public IReadOnlyList<LoopbackRequest> Requests => [.. _requests];

    /// <summary>How many requests arrived, whatever became of them.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>How many requests were answered 429 (the concurrency limit or a script).</summary>
    public long TooManyRequestsCount => Interlocked.Read(ref _tooManyRequests);

    /// <summary>Requests being handled right now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most requests handled at once so far, including those refused for the concurrency limit.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>Starts a loopback and returns once it listens.</summary>
    public static async Task<LoopbackTwilio> StartAsync(LoopbackTwilioOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LoopbackTwilioOptions();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = nameof(LoopbackTwilio) });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var loopback = new LoopbackTwilio(app, options);
        app.Run(loopback.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        loopback.BaseUrl = new Uri(addresses.Single());
        loopback.StartCallbackWorkers(options.CallbackConcurrency);
        return loopback;
    }

    /// <summary>
    /// Queues answers for the next sends to <paramref name="phone"/> (E.164, with or without <c>whatsapp:</c>), one per
    /// request; once they are used up, sends are accepted again (or answered as <see cref="ScriptAlways"/> says).
    /// </summary>
    public void Script(string phone, params LoopbackResponse[] responses) => Enqueue(_sendScripts, phone, responses);

    /// <summary>Answers every send to <paramref name="phone"/> with <paramref name="response"/> once its queue is used up.</summary>
    public void ScriptAlways(string phone, LoopbackResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var script = _sendScripts.GetOrAdd(WithoutChannel(phone), _ => new PhoneScript());
        lock (script)
        {
            script.Always = response;
        }
    }

    /// <summary>Queues answers for the next list requests whose To is <paramref name="phone"/>.</summary>
    public void ScriptList(string phone, params LoopbackResponse[] responses) => Enqueue(_listScripts, phone, responses);

    /// <summary>How many messages were accepted for <paramref name="phone"/> (E.164, with or without <c>whatsapp:</c>).</summary>
    public int CountTo(string phone) => _countsByPhone.TryGetValue(WithoutChannel(phone), out var count) ? count : 0;

    /// <summary>How many messages each recipient got, for recipients that got any.</summary>
    public IReadOnlyDictionary<string, int> CountsByPhone() => new Dictionary<string, int>(_countsByPhone, StringComparer.Ordinal);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking it now and whenever a request arrives, a message is
    /// accepted or a request ends, never by polling.
    /// </summary>
    /// <exception cref="TimeoutException">It did not hold within <paramref name="timeout"/>, a guard against a hang.</exception>
    public async Task WaitUntilAsync(Func<LoopbackTwilio, bool> condition, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = (Condition: condition, Reached: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waitersLock)
        {
            if (condition(this))
            {
                return;
            }

            _waiters.Add(waiter);
        }

        try
        {
            await waiter.Reached.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"The loopback did not reach the expected state within {timeout} ({RequestCount} requests, {AcceptedCount} accepted).", exception);
        }
        finally
        {
            lock (_waitersLock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>"whatsapp:+15550000101" → "+15550000101"; other values unchanged.</summary>
    public static string WithoutChannel(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.StartsWith(ChannelPrefix, StringComparison.Ordinal) ? address[ChannelPrefix.Length..] : address;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Hanging requests wait on this token; release them so that the server can stop at once.
        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        await StopCallbackWorkersAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static void Enqueue(ConcurrentDictionary<string, PhoneScript> scripts, string phone, LoopbackResponse[] responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        var script = scripts.GetOrAdd(WithoutChannel(phone), _ => new PhoneScript());
        lock (script)
        {
            foreach (var response in responses)
            {
                script.Queue.Enqueue(response ?? throw new ArgumentException("A scripted response is null.", nameof(responses)));
            }
        }
    }

    private static LoopbackResponse? Next(ConcurrentDictionary<string, PhoneScript> scripts, string? phone)
    {
        if (phone is null || !scripts.TryGetValue(phone, out var script))
        {
            return null;
        }

        lock (script)
        {
            return script.Queue.TryDequeue(out var next) ? next : script.Always;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var receivedAt = TimeProvider.System.GetUtcNow();
        Interlocked.Increment(ref _requestCount);
        var inFlight = Interlocked.Increment(ref _inFlight);
        RaisePeak(inFlight);
        Changed();
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var exchange = new Exchange(context, aborted.Token);
        try
        {
            await RouteAsync(exchange, inFlight).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client gave up or the server is stopping: there is no one to answer.
            context.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _requests.Enqueue(new LoopbackRequest(context.Request.Method, exchange.Phone, receivedAt, exchange.Answered ? context.Response.StatusCode : 0));
            Changed();
        }
    }

    private async Task RouteAsync(Exchange exchange, int inFlight)
    {
        var request = exchange.Context.Request;
        if (!request.Path.Equals(_messagesPath, StringComparison.Ordinal))
        {
            await WriteErrorAsync(exchange, 404, 20404, $"The requested resource {request.Path} was not found").ConfigureAwait(false);
            return;
        }

        if (!string.Equals(request.Headers.Authorization, _authorization, StringComparison.Ordinal))
        {
            await WriteErrorAsync(exchange, 401, 20003, "Authenticate").ConfigureAwait(false);
            return;
        }

        if (ConcurrencyLimit is { } limit && inFlight > limit)
        {
            await WriteErrorAsync(exchange, 429, 20429, "Too Many Requests", TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            return;
        }

        if (HttpMethods.IsPost(request.Method))
        {
            await CreateAsync(exchange).ConfigureAwait(false);
        }
        else if (HttpMethods.IsGet(request.Method))
        {
            await ListAsync(exchange).ConfigureAwait(false);
        }
        else
        {
            await WriteErrorAsync(exchange, 405, 20004, "Method not allowed").ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(Exchange exchange)
    {
        var request = exchange.Context.Request;
        if (!request.HasFormContentType)
        {
            await WriteErrorAsync(exchange, 400, 20001, "Expected application/x-www-form-urlencoded").ConfigureAwait(false);
            return;
        }

        var form = await request.ReadFormAsync(exchange.Aborted).ConfigureAwait(false);
        var to = Field(form["To"]);
        var from = Field(form["From"]);
        var service = Field(form["MessagingServiceSid"]);
        var body = Field(form["Body"]);
        var contentSid = Field(form["ContentSid"]);
        var contentVariables = Field(form["ContentVariables"]);
        exchange.Phone = to is null ? null : WithoutChannel(to);
        var scripted = Next(_sendScripts, exchange.Phone);

        await DelayAsync(exchange).ConfigureAwait(false);
        if (to is null)
        {
            await WriteErrorAsync(exchange, 400, 21604, "A 'To' phone number is required.").ConfigureAwait(false);
            return;
        }

        if (from is null && service is null)
        {
            await WriteErrorAsync(exchange, 400, 21603, "A 'From' phone number is required.").ConfigureAwait(false);
            return;
        }

        if (body is null && contentSid is null && form["MediaUrl"].Count == 0)
        {
            await WriteErrorAsync(exchange, 400, 21602, "Message body is required.").ConfigureAwait(false);
            return;
        }

        if (await PrismRefusalAsync(form, exchange.Aborted).ConfigureAwait(false) is { } refusal)
        {
            await WriteErrorAsync(exchange, 400, 21000, refusal).ConfigureAwait(false);
            return;
        }

        if (scripted is null || scripted.Kind is LoopbackResponseKind.Accept or LoopbackResponseKind.AcceptWithoutAnswer)
        {
            body = Intern(body);
            var message = new LoopbackMessage(
                "SM" + Guid.NewGuid().ToString("N"),
                Intern(to),
                Intern(from),
                body,
                Intern(contentSid),
                Intern(contentVariables),
                Intern(service),
                Intern(Field(form["StatusCallback"])),
                TruncateToSecond(TimeProvider.System.GetUtcNow()),
                contentSid is null ? body : Intern(Render(contentSid, contentVariables)));
            var callbacks = PlanCallbacks(message, TimeProvider.System.GetUtcNow());
            Record(message);
            if (scripted?.Kind == LoopbackResponseKind.AcceptWithoutAnswer)
            {
                DispatchCallbacks(callbacks);
                await HangAsync(exchange).ConfigureAwait(false);
                return;
            }

            // Twilio's callbacks follow its answer; they are counted as pending before it, so a caller that has the
            // answer can wait for them.
            try
            {
                await WriteJsonAsync(exchange, 201, writer => WriteMessage(writer, message)).ConfigureAwait(false);
            }
            finally
            {
                DispatchCallbacks(callbacks);
            }

            return;
        }

        await AnswerScriptedAsync(exchange, scripted).ConfigureAwait(false);
    }

    private async Task ListAsync(Exchange exchange)
    {
        var query = exchange.Context.Request.Query;
        var to = Field(query["To"]);
        var from = Field(query["From"]);
        exchange.Phone = to is null ? null : WithoutChannel(to);
        var pageSize = int.TryParse(query["PageSize"], NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? Math.Clamp(size, 1, MaxPageSize) : DefaultPageSize;
        var page = int.TryParse(query["Page"], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
        var scripted = Next(_listScripts, exchange.Phone);

        await DelayAsync(exchange).ConfigureAwait(false);
        if (scripted is not null && scripted.Kind != LoopbackResponseKind.Accept)
        {
            await AnswerScriptedAsync(exchange, scripted).ConfigureAwait(false);
            return;
        }

        List<LoopbackMessage> matching;
        lock (_acceptedLock)
        {
            matching = [.. _accepted.Where(m => (to is null || m.To == to) && (from is null || m.From == from))];
        }

        // Newest first; messages of the same second in reverse order of acceptance, as they were appended in order.
        matching.Reverse();
        var items = matching.Skip(page * pageSize).Take(pageSize).ToList();
        var filter = new StringBuilder();
        if (to is not null)
        {
            filter.Append("To=").Append(Uri.EscapeDataString(to)).Append('&');
        }

        if (from is not null)
        {
            filter.Append("From=").Append(Uri.EscapeDataString(from)).Append('&');
        }

        string PageUri(int p) => $"{_messagesPath}?{filter}PageSize={pageSize}&Page={p}";
        var hasNext = (page + 1) * pageSize < matching.Count;
        await WriteJsonAsync(exchange, 200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("end", Math.Max(page * pageSize, (page * pageSize) + items.Count - 1));
            writer.WriteString("first_page_uri", PageUri(0));
            writer.WriteStartArray("messages");
            foreach (var message in items)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            if (hasNext)
            {
                writer.WriteString("next_page_uri", PageUri(page + 1));
            }
            else
            {
                writer.WriteNull("next_page_uri");
            }

            writer.WriteNumber("page", page);
            writer.WriteNumber("page_size", pageSize);
            if (page > 0)
            {
                writer.WriteString("previous_page_uri", PageUri(page - 1));
            }
            else
            {
                writer.WriteNull("previous_page_uri");
            }

            writer.WriteNumber("start", page * pageSize);
            writer.WriteString("uri", PageUri(page));
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task AnswerScriptedAsync(Exchange exchange, LoopbackResponse scripted)
    {
        switch (scripted.Kind)
        {
            case LoopbackResponseKind.Error:
                await WriteErrorAsync(exchange, scripted.Status, scripted.Code, scripted.Message ?? "Error", scripted.RetryAfter).ConfigureAwait(false);
                break;
            case LoopbackResponseKind.Raw:
                var response = exchange.Context.Response;
                response.StatusCode = scripted.Status;
                response.ContentType = scripted.ContentType;
                SetRetryAfter(response, scripted.RetryAfter);
                CountTooMany(scripted.Status);
                exchange.Answered = true;
                await response.WriteAsync(scripted.RawBody ?? string.Empty, exchange.Aborted).ConfigureAwait(false);
                break;
            default:
                await HangAsync(exchange).ConfigureAwait(false);
                break;
        }
    }

    private static async Task HangAsync(Exchange exchange)
    {
        await Task.Delay(Timeout.Infinite, exchange.Aborted).ConfigureAwait(false);
    }

    private async Task DelayAsync(Exchange exchange)
    {
        var latency = Latency;
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, exchange.Aborted).ConfigureAwait(false);
        }
    }

    private async Task WriteErrorAsync(Exchange exchange, int status, int code, string message, TimeSpan? retryAfter = null)
    {
        SetRetryAfter(exchange.Context.Response, retryAfter);
        CountTooMany(status);
        await WriteJsonAsync(exchange, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            writer.WriteString("more_info", $"https://www.twilio.com/docs/errors/{code}");
            writer.WriteNumber("status", status);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private void CountTooMany(int status)
    {
        if (status == 429)
        {
            Interlocked.Increment(ref _tooManyRequests);
        }
    }

    private static void SetRetryAfter(HttpResponse response, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static async Task WriteJsonAsync(Exchange exchange, int status, Action<Utf8JsonWriter> write)
    {
        var response = exchange.Context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        exchange.Answered = true;
        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            write(writer);
        }

        await response.BodyWriter.FlushAsync(exchange.Aborted).ConfigureAwait(false);
    }

    private void WriteMessage(Utf8JsonWriter writer, LoopbackMessage message)
    {
        var created = message.DateCreated.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        var uri = $"/{ApiVersion}/Accounts/{_accountSid}/Messages/{message.Sid}";
        writer.WriteStartObject();
        writer.WriteString("account_sid", _accountSid);
        writer.WriteString("api_version", ApiVersion);
        writer.WriteString("body", message.RenderedBody);
        writer.WriteString("date_created", created);
        writer.WriteNull("date_sent");
        writer.WriteString("date_updated", created);
        writer.WriteString("direction", "outbound-api");
        writer.WriteNull("error_code");
        writer.WriteNull("error_message");
        writer.WriteString("from", message.From);
        writer.WriteString("messaging_service_sid", message.MessagingServiceSid);
        writer.WriteString("num_media", "0");
        writer.WriteString("num_segments", "1");
        writer.WriteNull("price");
        writer.WriteString("price_unit", "USD");
        writer.WriteString("sid", message.Sid);
        writer.WriteString("status", "queued");
        writer.WriteStartObject("subresource_uris");
        writer.WriteString("media", uri + "/Media.json");
        writer.WriteEndObject();
        writer.WriteString("to", message.To);
        writer.WriteString("uri", uri + ".json");
        writer.WriteEndObject();
    }

    private void Record(LoopbackMessage message)
    {
        lock (_acceptedLock)
        {
            _accepted.Add(message);
        }

        _countsByPhone.AddOrUpdate(message.Phone, 1, (_, count) => count + 1);
        Changed();
    }

    /// <summary>Completes the waiters whose condition now holds.</summary>
    private void Changed()
    {
        lock (_waitersLock)
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
    }

    private string Render(string contentSid, string? contentVariables)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (contentVariables is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(contentVariables);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    variables[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }
            catch (JsonException)
            {
                // Twilio renders the template with its defaults when the variables are unreadable.
            }
        }

        return _renderTemplate(contentSid, variables);
    }

    private static string DefaultRender(string contentSid, IReadOnlyDictionary<string, string> variables) =>
        string.Join('\n', variables.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value));

    // Every recipient gets the same text; keeping one copy holds the loopback's memory flat under load.
    [return: NotNullIfNotNull(nameof(value))]
    private string? Intern(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_interned.TryGetValue(value, out var existing))
        {
            return existing;
        }

        return _interned.Count < MaxInternedStrings ? _interned.GetOrAdd(value, value) : value;
    }

    private static string? Field(StringValues values) => values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];

    private static DateTimeOffset TruncateToSecond(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private void RaisePeak(int inFlight)
    {
        var peak = Volatile.Read(ref _peakInFlight);
        while (inFlight > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakInFlight, inFlight, peak);
            if (seen == peak)
            {
                return;
            }

            peak = seen;
        }
    }

    private sealed class PhoneScript
    {
        public Queue<LoopbackResponse> Queue { get; } = new();

        public LoopbackResponse? Always { get; set; }
    }

    private sealed class Exchange(HttpContext context, CancellationToken aborted)
    {
        public HttpContext Context { get; } = context;

        public CancellationToken Aborted { get; } = aborted;

        public string? Phone { get; set; }

        public bool Answered { get; set; }
    }
}
