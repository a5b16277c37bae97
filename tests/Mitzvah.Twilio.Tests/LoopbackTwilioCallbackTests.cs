using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;
using Twilio.Security;

namespace Mitzvah.Twilio.Tests;

/// <summary>After its 201 the loopback behaves as Twilio does: signed status callbacks, the 24-hour window, retries.</summary>
public sealed class LoopbackTwilioCallbackTests
{
    private const string CallbackUrl = "https://mitzvah.example/api/status?date=2026-11-25";
    private const string Template = "HX0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Every_callback_is_signed_over_the_exact_url_and_carries_twilios_fields()
    {
        var poster = new RecordingPoster();
        await using var loopback = await StartAsync(poster);
        loopback.ScriptFate(TestPhones.Alice, LoopbackFate.Read);
        loopback.ScriptFate(TestPhones.Bob, LoopbackFate.Failed("63024"));

        await CreateAsync(loopback, TestPhones.Alice, contentSid: Template);
        await CreateAsync(loopback, TestPhones.Bob, contentSid: Template);
        await loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30));

        var validator = new RequestValidator(loopback.AuthToken);
        Assert.All(poster.Posts, post =>
        {
            Assert.Equal(CallbackUrl, post.Url.OriginalString);
            Assert.True(validator.Validate(post.Url.OriginalString, post.Form.ToDictionary(), post.Signature));
            Assert.Equal(loopback.AccountSid, post.Field("AccountSid"));
            Assert.Equal("2010-04-01", post.Field("ApiVersion"));
            Assert.Equal("whatsapp", post.Field("ChannelPrefix"));
            Assert.Equal("whatsapp:" + TestMessengers.Sender, post.Field("From"));
            Assert.Equal(post.Field("MessageSid"), post.Field("SmsSid"));
            Assert.Equal(post.Field("MessageStatus"), post.Field("SmsStatus"));
            Assert.Equal(post.Field("MessageStatus") is "failed" ? "63024" : null, post.Field("ErrorCode"));
        });
        Assert.Equal(["delivered", "queued", "read", "sent"], Statuses(poster, TestPhones.Alice));
        Assert.Equal(["failed", "queued"], Statuses(poster, TestPhones.Bob));
        Assert.All(loopback.Callbacks, callback => Assert.True(callback.Answered && callback.Attempt == 1));
    }

    [Fact]
    public async Task Freeform_outside_the_window_ends_undelivered_63016_and_inside_it_or_as_a_template_as_scripted()
    {
        var poster = new RecordingPoster();
        await using var loopback = await StartAsync(poster);
        loopback.NumberWrote(TestPhones.Numbered(2), DateTimeOffset.UtcNow.AddHours(-23));
        loopback.NumberWrote(TestPhones.Numbered(3), DateTimeOffset.UtcNow.AddHours(-25));
        var inbound = await loopback.PostInboundAsync(new Uri("https://mitzvah.example/api/consent"), TestPhones.Numbered(4), "Hi");

        var closed = await CreateAsync(loopback, TestPhones.Numbered(1));
        var open = await CreateAsync(loopback, TestPhones.Numbered(2));
        var expired = await CreateAsync(loopback, TestPhones.Numbered(3));
        var wrote = await CreateAsync(loopback, TestPhones.Numbered(4));
        var template = await CreateAsync(loopback, TestPhones.Numbered(5), contentSid: Template);
        await loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30));

        var outside = LoopbackFate.Undelivered(LoopbackTwilio.OutsideWindowError);
        Assert.Equal(outside, loopback.FateOf(closed));
        Assert.Equal(LoopbackFate.Delivered, loopback.FateOf(open));
        Assert.Equal(outside, loopback.FateOf(expired));
        Assert.Equal(LoopbackFate.Delivered, loopback.FateOf(wrote));
        Assert.Equal(LoopbackFate.Delivered, loopback.FateOf(template));
        Assert.Contains(poster.Posts, post => post.Field("MessageSid") == closed && post.Field("MessageStatus") == "undelivered" && post.Field("ErrorCode") == "63016");
        var webhook = Assert.Single(poster.Posts, post => post.Url.AbsolutePath == "/api/consent");
        Assert.True(new RequestValidator(loopback.AuthToken).Validate(webhook.Url.OriginalString, webhook.Form.ToDictionary(), webhook.Signature));
        Assert.Equal("whatsapp:" + TestPhones.Numbered(4), webhook.Field("From"));
        Assert.Equal("15550000004", webhook.Field("WaId"));
        Assert.Equal("Hi", webhook.Field("Body"));
        Assert.Equal(200, inbound.StatusCode);
    }

    [Fact]
    public async Task A_callback_not_answered_2xx_is_posted_once_more_then_given_up()
    {
        var poster = new RecordingPoster { Refuse = post => post.Field("To") == "whatsapp:" + TestPhones.Bob };
        await using var loopback = await StartAsync(poster);

        await CreateAsync(loopback, TestPhones.Alice, contentSid: Template);
        await CreateAsync(loopback, TestPhones.Bob, contentSid: Template);
        await loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30));

        var refused = loopback.Callbacks.Where(callback => callback.Phone == TestPhones.Bob).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused.GroupBy(callback => (callback.Status, callback.Duplicate)), tries => Assert.Equal([1, 2], tries.Select(callback => callback.Attempt).Order()));
        Assert.All(loopback.Callbacks.Where(callback => callback.Phone == TestPhones.Alice), callback => Assert.Equal(1, callback.Attempt));
        Assert.Equal(0, loopback.PendingCallbacks);
    }

    [Fact]
    public async Task Held_callbacks_are_posted_on_release_shuffled_and_repeated_the_same_way_for_the_same_seed()
    {
        var runs = new List<string[]>();
        foreach (var reversed in new[] { false, true })
        {
            var poster = new RecordingPoster();
            await using var loopback = await StartAsync(poster, hold: true);
            var phones = Enumerable.Range(1, 12).Select(TestPhones.Numbered).ToList();
            await Task.WhenAll((reversed ? phones.AsEnumerable().Reverse() : phones).Select(phone => CreateAsync(loopback, phone, contentSid: Template)));
            Assert.Empty(poster.Posts);
            await Assert.ThrowsAsync<InvalidOperationException>(() => loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30)));

            loopback.ReleaseCallbacks();
            await loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30));
            runs.Add([.. loopback.Callbacks.Select(callback => $"{callback.Phone} {callback.Status} {callback.Duplicate}")]);
        }

        Assert.Equal(runs[0], runs[1]);
        Assert.Contains(runs[0], line => line.EndsWith(" True", StringComparison.Ordinal));
        Assert.NotEqual(runs[0].Order(StringComparer.Ordinal), runs[0]);
    }

    [Fact]
    public async Task The_default_poster_reaches_no_host_outside_the_machine()
    {
        await using var loopback = await LoopbackTwilio.StartAsync();

        await CreateAsync(loopback, TestPhones.Alice, contentSid: Template);
        await loopback.WaitForCallbacksAsync(TimeSpan.FromSeconds(30));

        Assert.NotEmpty(loopback.Callbacks);
        Assert.All(loopback.Callbacks, callback =>
        {
            Assert.Null(callback.Answer);
            Assert.Contains("loopback", callback.PostError, StringComparison.Ordinal);
        });
    }

    private static Task<LoopbackTwilio> StartAsync(RecordingPoster poster, bool hold = false) => LoopbackTwilio.StartAsync(new LoopbackTwilioOptions
    {
        WebhookPoster = poster,
        HoldCallbacks = hold,
        CallbackConcurrency = 1,
        DuplicateRate = 0.3,
        CallbackSeed = 42,
    });

    private static List<string> Statuses(RecordingPoster poster, string phone) =>
        [.. poster.Posts.Where(post => post.Field("To") == "whatsapp:" + phone).Select(post => post.Field("MessageStatus")!).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Creates a message as Twilio's SDK does and returns its sid.</summary>
    private static async Task<string> CreateAsync(LoopbackTwilio loopback, string phone, string? contentSid = null)
    {
        using var http = new HttpClient { BaseAddress = loopback.BaseUrl };
        var form = new Dictionary<string, string>
        {
            ["To"] = "whatsapp:" + phone,
            ["From"] = "whatsapp:" + TestMessengers.Sender,
            ["StatusCallback"] = CallbackUrl,
            [contentSid is null ? "Body" : "ContentSid"] = contentSid ?? "Today's study",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/2010-04-01/Accounts/{loopback.AccountSid}/Messages.json") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{loopback.AccountSid}:{loopback.AuthToken}")));
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return Assert.Single(loopback.Accepted, message => message.Phone == phone).Sid;
    }

    /// <summary>Records every webhook and answers 200, or 500 to those it is told to refuse.</summary>
    private sealed class RecordingPoster : IWebhookPoster
    {
        private readonly ConcurrentQueue<WebhookPost> _posts = new();

        public Func<WebhookPost, bool> Refuse { get; init; } = _ => false;

        public IReadOnlyList<WebhookPost> Posts => [.. _posts];

        public Task<WebhookAnswer> PostAsync(WebhookPost post, CancellationToken cancellationToken = default)
        {
            _posts.Enqueue(post);
            return Task.FromResult(new WebhookAnswer { StatusCode = Refuse(post) ? 500 : 200, Body = string.Empty });
        }
    }
}
