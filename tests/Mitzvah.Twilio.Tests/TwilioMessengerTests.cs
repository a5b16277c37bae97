using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mitzvah.Core;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>What Twilio receives from the messenger, and how the messenger reads Twilio's answers.</summary>
public sealed class TwilioMessengerTests : IAsyncLifetime
{
    private LoopbackTwilio _loopback = null!;

    public async Task InitializeAsync() => _loopback = await LoopbackTwilio.StartAsync();

    public async Task DisposeAsync() => await _loopback.DisposeAsync();

    private TwilioMessenger Messenger(Action<TwilioOptions>? configure = null)
    {
        var options = TestMessengers.OptionsFor(_loopback);
        configure?.Invoke(options);
        return TestMessengers.Create(options);
    }

    [Fact]
    public async Task Freeform_mode_posts_the_body_from_the_whatsapp_sender_to_the_whatsapp_recipient()
    {
        using var messenger = Messenger();
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);

        var outcome = await messenger.SendAsync(TestPhones.Alice, message, MessageForm.Freeform);

        var sent = Assert.Single(_loopback.Accepted);
        Assert.Equal(sent.Sid, outcome.MessageId);
        Assert.Equal("whatsapp:" + TestPhones.Alice, sent.To);
        Assert.Equal("whatsapp:" + TestMessengers.Sender, sent.From);
        Assert.Equal(message.WhatsApp.Body, sent.Body);
        Assert.Null(sent.ContentSid);
        Assert.Null(sent.ContentVariables);
        Assert.Null(sent.MessagingServiceSid);
        Assert.Null(sent.StatusCallback);
    }

    [Fact]
    public async Task Template_mode_posts_the_content_sid_and_the_three_variables_and_no_body()
    {
        using var messenger = Messenger(o => o.TemplateSid = TestMessengers.TemplateSid);
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);

        var outcome = await messenger.SendAsync(TestPhones.Alice, message, MessageForm.Template);

        Assert.True(outcome.Accepted);
        var sent = Assert.Single(_loopback.Accepted);
        Assert.Equal("whatsapp:" + TestPhones.Alice, sent.To);
        Assert.Equal("whatsapp:" + TestMessengers.Sender, sent.From);
        Assert.Null(sent.Body);
        Assert.Equal(TestMessengers.TemplateSid, sent.ContentSid);
        var variables = JsonSerializer.Deserialize<Dictionary<string, string>>(sent.ContentVariables!)!;
        Assert.Equal(["1", "2", "3"], variables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(message.WhatsApp.Variables.DateLine, variables["1"]);
        Assert.Equal(message.WhatsApp.Variables.Readings, variables["2"]);
        Assert.Equal(message.WhatsApp.Variables.Link, variables["3"]);
    }

    [Fact]
    public async Task With_a_template_configured_a_freeform_send_posts_the_body_and_no_content_sid()
    {
        using var messenger = Messenger(o => o.TemplateSid = TestMessengers.TemplateSid);
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);

        var outcome = await messenger.SendAsync(TestPhones.Alice, message, MessageForm.Freeform);

        Assert.True(outcome.Accepted);
        Assert.True(messenger.HasTemplate);
        var sent = Assert.Single(_loopback.Accepted);
        Assert.Equal(message.WhatsApp.Body, sent.Body);
        Assert.Null(sent.ContentSid);
        Assert.Null(sent.ContentVariables);
    }

    [Fact]
    public async Task Without_a_template_a_template_send_is_rejected_without_calling_twilio()
    {
        using var messenger = Messenger();

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Template);

        Assert.False(messenger.HasTemplate);
        Assert.Equal(SendFailureKind.Rejected, outcome.Failure);
        Assert.Equal("no-template", outcome.ErrorCode);
        Assert.Empty(_loopback.Requests);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task Building_the_messenger_without_a_template_warns_once_that_closed_windows_get_nothing(bool template, int warnings)
    {
        var options = TestMessengers.OptionsFor(_loopback);
        options.TemplateSid = template ? TestMessengers.TemplateSid : null;
        var logger = new ListLogger();

        using var messenger = new TwilioMessenger(Microsoft.Extensions.Options.Options.Create(options), logger);
        await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        var warned = logger.Entries.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning).ToList();
        Assert.Equal(warnings, warned.Count);
        Assert.All(warned, e => Assert.Contains("have not written in 24 hours", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_confirmation_request_posts_its_own_template_without_a_body_or_callback()
    {
        using var messenger = Messenger(o =>
        {
            o.ConfirmTemplateSid = "HXconfirm0000000000000000000000000";
            o.StatusCallbackUrl = new Uri("https://bot.example.org/api/status");
        });

        var outcome = await messenger.SendConfirmationAsync(TestPhones.Alice);

        Assert.True(messenger.IsEnabled);
        Assert.True(outcome.Accepted);
        var sent = Assert.Single(_loopback.Accepted);
        Assert.Equal("whatsapp:" + TestPhones.Alice, sent.To);
        Assert.Equal("HXconfirm0000000000000000000000000", sent.ContentSid);
        Assert.Null(sent.Body);
    }

    [Fact]
    public async Task Without_a_confirmation_template_nothing_is_sent()
    {
        using var messenger = Messenger();

        var outcome = await messenger.SendConfirmationAsync(TestPhones.Alice);

        Assert.False(messenger.IsEnabled);
        Assert.False(outcome.Accepted);
        Assert.Empty(_loopback.Accepted);
    }

    [Fact]
    public async Task A_messaging_service_and_status_callback_are_passed_on()
    {
        var callback = new Uri("https://bot.example.org/twilio/status");
        using var messenger = Messenger(o =>
        {
            o.WhatsAppNumber = null;
            o.MessagingServiceSid = TestMessengers.MessagingServiceSid;
            o.StatusCallbackUrl = callback;
        });

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        Assert.True(outcome.Accepted);
        var sent = Assert.Single(_loopback.Accepted);
        Assert.Null(sent.From);
        Assert.Equal(TestMessengers.MessagingServiceSid, sent.MessagingServiceSid);
        Assert.Equal("https://bot.example.org/twilio/status?date=2026-11-25", sent.StatusCallback);
    }

    [Fact]
    public async Task The_status_callback_carries_the_study_date_of_the_message()
    {
        using var messenger = Messenger(o => o.StatusCallbackUrl = new Uri("https://bot.example.org/api/status?key=k1"));

        await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(new DateOnly(2026, 12, 1)), MessageForm.Freeform);

        Assert.Equal("https://bot.example.org/api/status?key=k1&date=2026-12-01", Assert.Single(_loopback.Accepted).StatusCallback);
    }

    public static TheoryData<string, SendFailureKind, string, int?> Refusals => new()
    {
        { "429 20429 retry-after 3", SendFailureKind.RateLimited, "20429", 3 },
        { "429 20429", SendFailureKind.RateLimited, "20429", null },
        { "500 20500", SendFailureKind.Transient, "20500", null },
        { "503 20503", SendFailureKind.Transient, "20503", null },
        { "503 html", SendFailureKind.Transient, "503", null },
        { "502 empty", SendFailureKind.Transient, "502", null },
        { "429 text retry-after 2", SendFailureKind.RateLimited, "429", 2 },
        { "400 21610", SendFailureKind.OptedOut, "21610", null },
        { "400 21211", SendFailureKind.InvalidNumber, "21211", null },
        { "400 21614", SendFailureKind.InvalidNumber, "21614", null },
        { "400 63016", SendFailureKind.TemplateRequired, "63016", null },
        { "400 63049", SendFailureKind.NotDeliveredToday, "63049", null },
        { "400 63032", SendFailureKind.NotDeliveredToday, "63032", null },
        { "400 63018", SendFailureKind.MessagingLimit, "63018", null },
        { "400 63099", SendFailureKind.Rejected, "63099", null },
        { "401 20003", SendFailureKind.Rejected, "20003", null },
        { "400 21408", SendFailureKind.Rejected, "21408", null },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Twilio_refusals_are_classified(string answer, SendFailureKind kind, string code, int? retryAfterSeconds)
    {
        _loopback.Script(TestPhones.Alice, Parse(answer));
        using var messenger = Messenger();

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        Assert.False(outcome.Accepted);
        Assert.Equal(kind, outcome.Failure);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.Equal(retryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, outcome.RetryAfter);
        Assert.Empty(_loopback.Accepted);
        Assert.NotNull(outcome.Detail);
        Assert.DoesNotContain(_loopback.AuthToken, outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_quoting_the_recipient_reports_the_number_masked()
    {
        _loopback.Script(TestPhones.Alice, LoopbackResponse.TwilioError(400, 21211, $"The 'To' number whatsapp:{TestPhones.Alice} is not a valid phone number."));
        using var messenger = Messenger();

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        Assert.Equal(SendFailureKind.InvalidNumber, outcome.Failure);
        Assert.DoesNotContain(TestPhones.Alice, outcome.Detail, StringComparison.Ordinal);
        Assert.Contains(PhoneMask.Mask(TestPhones.Alice), outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_concurrency_limit_answer_is_transient_with_its_retry_after()
    {
        _loopback.ConcurrencyLimit = 1;
        _loopback.Script(TestPhones.Bob, LoopbackResponse.Hang);
        using var messenger = Messenger();
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);
        using var stop = new CancellationTokenSource();
        var hanging = messenger.SendAsync(TestPhones.Bob, message, MessageForm.Freeform, stop.Token);
        await _loopback.WaitUntilAsync(l => l.InFlight == 1, TimeSpan.FromSeconds(10));

        var outcome = await messenger.SendAsync(TestPhones.Alice, message, MessageForm.Freeform);

        Assert.Equal(SendFailureKind.RateLimited, outcome.Failure);
        Assert.Equal("20429", outcome.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(1), outcome.RetryAfter);
        Assert.Equal(1, _loopback.TooManyRequestsCount);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
    }

    [Fact]
    public async Task Wrong_credentials_are_rejected_with_twilios_20003()
    {
        using var messenger = Messenger(o => o.AuthToken = "not-the-token");

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        Assert.Equal(SendFailureKind.Rejected, outcome.Failure);
        Assert.Equal("20003", outcome.ErrorCode);
        Assert.Contains(_loopback.Requests, r => r.Status == 401);
    }

    [Fact]
    public async Task A_request_that_hangs_beyond_the_request_timeout_is_a_transient_timeout()
    {
        _loopback.Script(TestPhones.Alice, LoopbackResponse.Hang);
        using var messenger = Messenger(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));

        // The caller never cancels: only the configured timeout can end the call. The token is a guard against a
        // messenger that ignored the option and waited for the 30 s default (it would throw, not report a timeout).
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform, guard.Token);

        Assert.Equal(SendFailureKind.Transient, outcome.Failure);
        Assert.Equal("timeout", outcome.ErrorCode);
        // Twilio saw the request arrive and the client give up on it unanswered.
        await _loopback.WaitUntilAsync(l => l.Requests.Any(r => r.Phone == TestPhones.Alice), TimeSpan.FromSeconds(10));
        var request = Assert.Single(_loopback.Requests);
        Assert.Equal(("POST", 0), (request.Method, request.Status));
        Assert.Empty(_loopback.Accepted);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        using var messenger = Messenger(o => o.ApiBaseUrl = new Uri($"http://127.0.0.1:{ClosedPort()}"));

        var outcome = await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform);

        Assert.Equal(SendFailureKind.Transient, outcome.Failure);
        Assert.Equal("connection", outcome.ErrorCode);
        Assert.NotNull(outcome.Detail);
        Assert.DoesNotContain(_loopback.AuthToken, outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_caller_throws_instead_of_reporting_a_failure()
    {
        _loopback.Script(TestPhones.Alice, LoopbackResponse.Hang);
        using var messenger = Messenger();
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), MessageForm.Freeform, stop.Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_accepted_message_is_found_again_and_another_days_or_recipients_is_not(bool template)
    {
        using var messenger = Messenger(o => o.TemplateSid = template ? TestMessengers.TemplateSid : null);
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);
        var otherDay = TestMessengers.MessageFor(TestMessengers.SendDay.AddDays(1));
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var form = template ? MessageForm.Template : MessageForm.Freeform;
        var sent = await messenger.SendAsync(TestPhones.Alice, message, form);
        await messenger.SendAsync(TestPhones.Bob, otherDay, form);

        Assert.Equal(sent.MessageId, await messenger.FindAcceptedAsync(TestPhones.Alice, message, since));
        Assert.Null(await messenger.FindAcceptedAsync(TestPhones.Alice, otherDay, since));
        Assert.Null(await messenger.FindAcceptedAsync(TestPhones.Bob, message, since));
        Assert.Null(await messenger.FindAcceptedAsync(TestPhones.Alice, message, DateTimeOffset.UtcNow.AddMinutes(1)));
    }

    [Fact]
    public async Task An_accepted_message_is_found_beyond_the_first_page_of_newer_messages()
    {
        using var messenger = Messenger();
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var newer = TestMessengers.MessageFor(TestMessengers.SendDay.AddDays(1));
        var sent = await messenger.SendAsync(TestPhones.Alice, message, MessageForm.Freeform);
        for (var i = 0; i < 60; i++)
        {
            Assert.True((await messenger.SendAsync(TestPhones.Alice, newer, MessageForm.Freeform)).Accepted);
        }

        var found = await messenger.FindAcceptedAsync(TestPhones.Alice, message, since);

        Assert.Equal(sent.MessageId, found);
        Assert.True(_loopback.Requests.Count(r => r.Method == "GET") >= 2, "The match is on the second page, so more than one page was read.");
    }

    private static LoopbackResponse Parse(string answer)
    {
        var parts = answer.Split(' ');
        var status = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        TimeSpan? retryAfter = parts.Length >= 4 && parts[2] == "retry-after" ? TimeSpan.FromSeconds(int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)) : null;
        return parts[1] switch
        {
            "html" => LoopbackResponse.Raw(status, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"),
            "empty" => LoopbackResponse.Raw(status, string.Empty),
            "text" => LoopbackResponse.Raw(status, "Too Many Requests", "text/plain", retryAfter),
            var code => LoopbackResponse.TwilioError(status, int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), "Refused by the loopback", retryAfter),
        };
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Keeps what was logged, for the start-up warning.</summary>
    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<TwilioMessenger>
    {
        public List<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(
            Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
