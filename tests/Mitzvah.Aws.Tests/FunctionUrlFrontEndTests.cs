using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mitzvah.Testing.Lambda;

namespace Mitzvah.Aws.Tests;

/// <summary>
/// The Function URL stand-in against a scripted function that polls the Runtime API stand-in itself: what event a
/// request becomes, and what HTTP response each kind of answer becomes.
/// </summary>
public sealed class FunctionUrlFrontEndTests : IAsyncLifetime
{
    private LambdaRuntimeApi? _runtimeApi;
    private FunctionUrlFrontEnd? _frontEnd;

    private LambdaRuntimeApi RuntimeApi => _runtimeApi!;

    private FunctionUrlFrontEnd FrontEnd => _frontEnd!;

    public async Task InitializeAsync()
    {
        _runtimeApi = await LambdaRuntimeApi.StartAsync();
        _frontEnd = await FunctionUrlFrontEnd.StartAsync(_runtimeApi, TimeSpan.FromSeconds(15));
    }

    public async Task DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await RuntimeApi.DisposeAsync();
    }

    [Fact]
    public async Task A_request_becomes_a_payload_2_0_event_with_joined_headers_cookies_and_a_base64_form_body()
    {
        var function = AnswerOnceAsync("""{"statusCode":204}""");
        const string form = "From=whatsapp%3A%2B14155552671&Body=JOIN";
        var request = string.Join("\r\n",
            "POST /api/consent?a=1&a=2&b=x HTTP/1.1",
            $"Host: 127.0.0.1:{FrontEnd.BaseAddress.Port}",
            "User-Agent: TwilioProxy/1.1",
            "X-Multi: one",
            "X-Multi: two",
            "Cookie: first=1; second=2",
            "Content-Type: application/x-www-form-urlencoded",
            $"Content-Length: {form.Length}",
            "Connection: close",
            string.Empty,
            form);

        var status = await SendRawAsync(request);
        var @event = (await function).RootElement;

        Assert.StartsWith("HTTP/1.1 204", status, StringComparison.Ordinal);
        Assert.Equal("2.0", @event.GetProperty("version").GetString());
        Assert.Equal("$default", @event.GetProperty("routeKey").GetString());
        Assert.Equal("/api/consent", @event.GetProperty("rawPath").GetString());
        Assert.Equal("a=1&a=2&b=x", @event.GetProperty("rawQueryString").GetString());
        Assert.Equal(["first=1", "second=2"], @event.GetProperty("cookies").EnumerateArray().Select(cookie => cookie.GetString()));
        var headers = @event.GetProperty("headers");
        Assert.Equal("one,two", headers.GetProperty("x-multi").GetString());
        Assert.Equal("TwilioProxy/1.1", headers.GetProperty("user-agent").GetString());
        Assert.Equal("127.0.0.1", headers.GetProperty("x-forwarded-for").GetString());
        Assert.False(headers.TryGetProperty("cookie", out _));
        Assert.Equal("1,2", @event.GetProperty("queryStringParameters").GetProperty("a").GetString());
        Assert.Equal("x", @event.GetProperty("queryStringParameters").GetProperty("b").GetString());
        var context = @event.GetProperty("requestContext");
        Assert.Equal(FunctionUrlFrontEnd.UrlId, context.GetProperty("apiId").GetString());
        Assert.Equal("$default", context.GetProperty("stage").GetString());
        Assert.Equal("POST", context.GetProperty("http").GetProperty("method").GetString());
        Assert.Equal("/api/consent", context.GetProperty("http").GetProperty("path").GetString());
        Assert.Equal("HTTP/1.1", context.GetProperty("http").GetProperty("protocol").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("http").GetProperty("sourceIp").GetString());
        Assert.Equal("TwilioProxy/1.1", context.GetProperty("http").GetProperty("userAgent").GetString());
        Assert.Matches(@"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$", context.GetProperty("time").GetString());
        Assert.True(context.GetProperty("timeEpoch").GetInt64() > 0);
        Assert.True(@event.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal(form, Encoding.UTF8.GetString(Convert.FromBase64String(@event.GetProperty("body").GetString()!)));
    }

    [Fact]
    public async Task A_json_body_arrives_as_text_and_a_get_carries_no_body()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseAddress };
        var post = AnswerOnceAsync("""{"statusCode":200,"body":""}""");
        using var posted = await http.PostAsync(new Uri("/api/consent", UriKind.Relative), new StringContent("""{"phone":"+1"}""", Encoding.UTF8, "application/json"));
        var postEvent = (await post).RootElement;
        var get = AnswerOnceAsync("""{"statusCode":200,"body":""}""");
        using var got = await http.GetAsync(new Uri("/", UriKind.Relative));
        var getEvent = (await get).RootElement;

        Assert.False(postEvent.GetProperty("isBase64Encoded").GetBoolean());
        Assert.Equal("""{"phone":"+1"}""", postEvent.GetProperty("body").GetString());
        Assert.False(getEvent.TryGetProperty("body", out _));
        Assert.False(getEvent.TryGetProperty("queryStringParameters", out _));
        Assert.False(getEvent.TryGetProperty("cookies", out _));
    }

    [Fact]
    public async Task A_structured_answer_becomes_its_status_headers_cookies_and_decoded_body()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseAddress };
        var bytes = new byte[] { 0, 1, 2, 250, 255 };
        var function = AnswerOnceAsync(JsonSerializer.Serialize(new
        {
            statusCode = 201,
            headers = new Dictionary<string, string> { ["content-type"] = "application/octet-stream", ["x-custom"] = "a, b" },
            cookies = new[] { "one=1; Path=/", "two=2; Max-Age=60" },
            body = Convert.ToBase64String(bytes),
            isBase64Encoded = true,
        }));

        using var response = await http.GetAsync(new Uri("/file", UriKind.Relative));
        await function;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("a, b", string.Join(", ", response.Headers.GetValues("x-custom")));
        Assert.Equal(["one=1; Path=/", "two=2; Max-Age=60"], response.Headers.GetValues("Set-Cookie"));
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(RequestIdOf(Assert.Single(FrontEnd.Events)), response.Headers.GetValues("x-amzn-RequestId").Single());
    }

    [Fact]
    public async Task An_answer_without_a_status_code_is_returned_as_200_json_of_the_raw_payload()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseAddress };
        var function = AnswerOnceAsync("""{"sent":1,"alreadySent":0}""");

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
        await function;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"sent":1,"alreadySent":0}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_function_error_is_answered_502_without_its_details()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseAddress };
        var function = AnswerOnceAsync("""{"errorMessage":"secret detail","errorType":"InvalidOperationException","stackTrace":[]}""", error: true);

        using var response = await http.GetAsync(new Uri("/", UriKind.Relative));
        await function;

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(FunctionUrlFrontEnd.FunctionErrorBody, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Concurrent_requests_queue_for_the_one_function_and_each_gets_its_own_answer()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseAddress };
        var first = http.GetStringAsync(new Uri("/first", UriKind.Relative));
        var second = http.GetStringAsync(new Uri("/second", UriKind.Relative));

        // The scripted function takes one event, answers it, then takes the next, as one process does.
        var paths = new List<string>();
        for (var served = 0; served < 2; served++)
        {
            var @event = await AnswerOnceAsync(path => $$"""{"statusCode":200,"body":"{{path}}"}""");
            paths.Add(@event.RootElement.GetProperty("rawPath").GetString()!);
        }

        Assert.Equal("/first", await first);
        Assert.Equal("/second", await second);
        Assert.Equal(["/first", "/second"], paths.Order());
    }

    private static string RequestIdOf(string @event)
    {
        using var document = JsonDocument.Parse(@event);
        return document.RootElement.GetProperty("requestContext").GetProperty("requestId").GetString()!;
    }

    private Task<JsonDocument> AnswerOnceAsync(string answer, bool error = false) => AnswerOnceAsync(_ => answer, error);

    /// <summary>Plays the function for one invocation: takes the next event, posts the answer made from its path.</summary>
    private async Task<JsonDocument> AnswerOnceAsync(Func<string, string> answer, bool error = false)
    {
        using var runtime = new HttpClient { BaseAddress = new Uri($"http://{RuntimeApi.Address}/2018-06-01/"), Timeout = TimeSpan.FromSeconds(60) };
        using var next = await runtime.GetAsync(new Uri("runtime/invocation/next", UriKind.Relative));
        var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").Single();
        var @event = JsonDocument.Parse(await next.Content.ReadAsStringAsync());
        using var content = new StringContent(answer(@event.RootElement.GetProperty("rawPath").GetString()!), Encoding.UTF8, "application/json");
        using var posted = await runtime.PostAsync(new Uri($"runtime/invocation/{requestId}/{(error ? "error" : "response")}", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        return @event;
    }

    /// <summary>Sends a request as written (so a header can repeat) and returns the response's status line.</summary>
    private async Task<string> SendRawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, FrontEnd.BaseAddress.Port);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync() ?? string.Empty;
    }
}
