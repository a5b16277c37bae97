using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Sending;
using Mitzvah.DynamoDb;
using Mitzvah.Testing.Consent;
using Mitzvah.Testing.Lambda;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Aws.Tests.Process;

/// <summary>
/// The published package started as Lambda's <c>dotnet10</c> runtime starts it, serving events from a Runtime API
/// stand-in, with DynamoDB = dynalite and Twilio = Prism. What no in-process test can see: that the package starts at
/// all, and how it answers the Runtime API.
/// </summary>
[Collection(SharedLambdaPackage.Name)]
public sealed partial class LambdaProcessTests(LambdaPackage package, AwsStandIns standIns, MaildevFixture maildev)
{
    private const string FunctionUrlHost = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    // The consent function's Timeout in aws/template.yaml.
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_consent_function_answers_its_health_check_with_200()
    {
        await using var function = await StartAsync(LambdaFunctions.Consent, await standIns.NewEnvironmentAsync());

        var reply = await function.InvokeAsync(LambdaEvents.Read("consent-get.json"));

        var response = reply.Json();
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Contains("\"status\":\"ok\"", response.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_consent_url_root_serves_the_opt_in_page_and_its_settings()
    {
        await using var function = await StartAsync(LambdaFunctions.Consent, await standIns.NewEnvironmentAsync());

        var page = (await function.InvokeAsync(GetEvent("/"))).Json();
        var config = (await function.InvokeAsync(GetEvent("/config.json"))).Json();

        Assert.Equal(200, page.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("text/html", page.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Contains("fetch(\"config.json\"", page.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, config.GetProperty("statusCode").GetInt32());
        using var settings = JsonDocument.Parse(config.GetProperty("body").GetString()!);
        Assert.Equal("/api/consent", settings.RootElement.GetProperty("consentUrl").GetString());
    }

    [Fact]
    public async Task A_plain_GET_of_the_function_url_returns_the_opt_in_page_with_its_caching_headers()
    {
        await using var function = await StartAsync(LambdaFunctions.Consent, await standIns.NewEnvironmentAsync());
        await using var functionUrl = await FunctionUrlFrontEnd.StartAsync(function.Api, ConsentTimeout);
        using var http = new HttpClient { BaseAddress = functionUrl.BaseAddress };

        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        using var config = await http.GetAsync(new Uri("/config.json", UriKind.Relative));

        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode}; the function's output:\n{function.Process.Output}");
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType?.ToString());
        Assert.Equal("public, max-age=300", page.Headers.CacheControl?.ToString());
        Assert.Contains("fetch(\"config.json\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal("no-cache", config.Headers.CacheControl?.ToString());
        using var settings = JsonDocument.Parse(await config.Content.ReadAsStringAsync());
        Assert.Equal("/api/consent", settings.RootElement.GetProperty("consentUrl").GetString());
        Assert.Equal(2, functionUrl.Events.Count);
        Assert.Empty(function.Api.ProtocolErrors);
    }

    [Fact]
    public async Task A_signed_webhook_subscribes_the_sender_and_a_forged_one_is_refused()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await using var function = await StartAsync(LambdaFunctions.Consent, environment);
        const string phone = "+14155552681";

        var forged = (await function.InvokeAsync(LambdaEvents.Read("consent-form-post-forged.json"))).Json();
        var signed = (await function.InvokeAsync(SignedJoin(phone))).Json();

        Assert.Equal(403, forged.GetProperty("statusCode").GetInt32());
        Assert.Equal(200, signed.GetProperty("statusCode").GetInt32());
        Assert.Contains("<Response><Message>", signed.GetProperty("body").GetString(), StringComparison.Ordinal);
        var subscriber = await Store(environment).GetAsync(phone);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        Assert.Null(await Store(environment).GetAsync("+14155552671"));
    }

    [Fact]
    public async Task The_daily_function_sends_once_and_the_next_tick_finds_nobody_due()
    {
        var environment = await standIns.NewEnvironmentAsync();
        const string phone = "+14155552682";
        await using (var consent = await StartAsync(LambdaFunctions.Consent, environment))
        {
            Assert.False((await consent.InvokeAsync(SignedJoin(phone))).IsError);
        }

        await using var daily = await StartAsync(LambdaFunctions.Daily, environment);
        var first = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));
        var second = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));

        Assert.False(first.IsError, first.Body);
        Assert.Equal(1, first.Json().GetProperty("sent").GetInt32());
        Assert.Equal(0, second.Json().GetProperty("sent").GetInt32());
        Assert.Equal(0, second.Json().GetProperty("eligible").GetInt32());
        var delivery = Assert.Single(await Ledger(environment).ListAsync(Today()));
        Assert.Equal(phone, delivery.Phone);
        Assert.Equal(DeliveryState.Sent, delivery.State);
    }

    [Fact]
    public async Task A_run_too_close_to_its_deadline_fails_so_lambda_retries_and_the_retry_serves_everyone_once()
    {
        var environment = await standIns.NewEnvironmentAsync();
        const string phone = "+14155552683";
        await using (var consent = await StartAsync(LambdaFunctions.Consent, environment))
        {
            Assert.False((await consent.InvokeAsync(SignedJoin(phone))).IsError);
        }

        var daily = await StartAsync(LambdaFunctions.Daily, environment);
        RuntimeApiPost stopped, retried;
        await using (daily)
        {
            // Inside the safety margin from the start: nobody may be claimed.
            stopped = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"), functionTimeout: TimeSpan.FromSeconds(20));
            retried = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));
        }

        Assert.Equal("error", stopped.Kind);
        Assert.Equal("TimeoutException", stopped.Json().GetProperty("errorType").GetString());
        Assert.Contains("still due", stopped.Json().GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, retried.Json().GetProperty("sent").GetInt32());
        Assert.Equal(DeliveryState.Sent, Assert.Single(await Ledger(environment).ListAsync(Today())).State);

        // Each run published its summary as one embedded-metric line, the stop's included.
        var metrics = daily.Process.Output.Split('\n').Where(line => line.StartsWith("{\"_aws\"", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Equal(2, metrics.Count);
        Assert.Equal(0, metrics[0].GetProperty("Sent").GetInt64());
        Assert.Equal(1, metrics[1].GetProperty("Sent").GetInt64());
        Assert.All(metrics, line => Assert.Equal(1, line.GetProperty("Heartbeat").GetInt64()));
    }

    [Theory]
    [InlineData(LambdaFunctions.Daily, "DELIVERIES_TABLE")]
    [InlineData(LambdaFunctions.Consent, "SUBSCRIBERS_TABLE")]
    [InlineData(LambdaFunctions.Daily, "TWILIO_ACCOUNT_SID")]
    [InlineData(null, LambdaFunctions.SettingName)]
    public async Task A_missing_setting_is_posted_as_the_init_error_naming_it_and_the_process_exits(string? function, string missing)
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment[missing] = null;
        await using var running = await StartAsync(function, environment);

        var initError = await running.Api.InitError.WaitAsync(ExitTimeout);
        var exitCode = await running.Process.WaitForExitAsync(ExitTimeout);

        var error = initError.Json();
        Assert.Equal("OptionsValidationException", error.GetProperty("errorType").GetString());
        Assert.Equal("OptionsValidationException", initError.ErrorTypeHeader);
        Assert.Contains(missing, error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, error.GetProperty("stackTrace").ValueKind);
        Assert.NotEqual(0, exitCode);
        Assert.Equal(0, running.Api.Polls);
    }

    [Theory]
    [InlineData(LambdaFunctions.Daily)]
    [InlineData(LambdaFunctions.Consent)]
    public async Task A_bad_SMTP_PORT_is_posted_as_the_init_error_naming_it_and_no_invocation_is_served(string function)
    {
        var environment = await standIns.NewEnvironmentWithMailAsync();
        environment["SMTP_PORT"] = "abc";
        await using var running = await StartAsync(function, environment);

        var initError = await running.Api.InitError.WaitAsync(ExitTimeout);
        var exitCode = await running.Process.WaitForExitAsync(ExitTimeout);

        var error = initError.Json();
        Assert.Equal("OptionsValidationException", error.GetProperty("errorType").GetString());
        Assert.Contains("SMTP_PORT 'abc' is not a port number.", error.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
        Assert.Equal(0, running.Api.Polls);
    }

    [Fact]
    public async Task With_SES_SMTP_settings_the_package_starts_and_serves()
    {
        // The SMTP adapter and MailKit are in the package and load at cold start; nothing connects until a mail is sent.
        await using var function = await StartAsync(LambdaFunctions.Consent, await standIns.NewEnvironmentWithMailAsync());

        var page = (await function.InvokeAsync(GetEvent("/"))).Json();

        Assert.Equal(200, page.GetProperty("statusCode").GetInt32());
        Assert.False(function.Process.HasExited);
    }

    [Fact]
    public async Task A_reader_signs_up_by_email_confirms_by_the_mailed_link_and_one_click_unsubscribes_through_the_function_url()
    {
        var environment = await standIns.NewEnvironmentWithMailAsync();
        foreach (var (name, value) in maildev.HostSettings())
        {
            environment[name] = value;
        }

        // maildev takes mail without a login.
        environment.Remove("SMTP_USERNAME");
        environment.Remove("SMTP_PASSWORD");

        var reader = $"lambda-{Guid.NewGuid():N}@example.org";
        await using var consent = await StartAsync(LambdaFunctions.Consent, environment);
        await using var functionUrl = await FunctionUrlFrontEnd.StartAsync(consent.Api, ConsentTimeout);
        using var http = new HttpClient { BaseAddress = functionUrl.BaseAddress };

        using var signUp = await http.PostAsync(
            new Uri("/api/consent", UriKind.Relative),
            new StringContent($"{{\"email\":\"{reader}\",\"consent\":true,\"channel\":\"email\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(signUp.StatusCode == HttpStatusCode.OK, $"{await signUp.Content.ReadAsStringAsync()}\n{consent.Process.Output}");
        var confirmation = Assert.Single(await maildev.WaitForMailsAsync(mail => MaildevFixture.IsTo(mail, reader)));
        var confirm = ThroughFrontEnd(MailLink().Match(confirmation.GetProperty("text").GetString()!).Value);
        using var page = await http.GetAsync(confirm);
        using var confirmed = await http.PostAsync(confirm, new StringContent("via=page", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Confirm my subscription", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var key = AddressKey.ForEmail(reader);
        Assert.Equal(ConsentStatus.OptedIn, (await Store(environment).GetAsync(key))?.Status);

        // The daily function mails the confirmed reader; the mail's List-Unsubscribe link takes a one-click POST.
        await using (var daily = await StartAsync(LambdaFunctions.Daily, environment))
        {
            var run = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));
            Assert.False(run.IsError, run.Body);
            Assert.Equal(1, run.Json().GetProperty("mailSent").GetInt32());
        }

        var dailyMail = Assert.Single(await maildev.WaitForMailsAsync(mail => MaildevFixture.IsTo(mail, reader), count: 2), mail => mail.GetProperty("subject").GetString()!.StartsWith("Daily Mitzvah · ", StringComparison.Ordinal));
        var source = System.Text.RegularExpressions.Regex.Replace(await maildev.SourceAsync(dailyMail.GetProperty("id").GetString()!), @"\r?\n[ \t]+", " ");
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", source, StringComparison.Ordinal);
        var unsubscribe = ThroughFrontEnd(MailLink().Match(source[source.IndexOf("List-Unsubscribe: <", StringComparison.Ordinal)..]).Value);
        using var oneClick = await http.PostAsync(unsubscribe, new StringContent("List-Unsubscribe=One-Click", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, oneClick.StatusCode);
        var history = await Store(environment).GetHistoryAsync(key);
        Assert.Equal((ConsentStatus.OptedOut, "one-click unsubscribe", reader), (history[^1].Status, history[^1].Evidence.Note, history[^1].Evidence.Email));
        Assert.Empty(consent.Api.ProtocolErrors);
    }

    // The links in mails name the function URL; the stand-in front end serves the same path and query here.
    private static Uri ThroughFrontEnd(string link)
    {
        Assert.StartsWith($"https://{FunctionUrlHost}/api/", link, StringComparison.Ordinal);
        return new Uri(new Uri(link).PathAndQuery, UriKind.Relative);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"https://[a-z0-9.-]+/api/(email/confirm|unsubscribe)\?token=[A-Za-z0-9_.-]+")]
    private static partial System.Text.RegularExpressions.Regex MailLink();

    [Fact]
    public async Task A_failed_invocation_is_posted_as_its_error_and_the_next_invocation_is_served()
    {
        // Tables named but not there yet: the run itself fails, not its start-up.
        var environment = await standIns.NewEnvironmentAsync();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var tables = new DynamoDbOptions
        {
            SubscribersTable = prefix + "-subscribers",
            ConsentHistoryTable = prefix + "-consent-history",
            DeliveriesTable = prefix + "-deliveries",
        };
        environment["SUBSCRIBERS_TABLE"] = tables.SubscribersTable;
        environment["CONSENT_HISTORY_TABLE"] = tables.ConsentHistoryTable;
        environment["DELIVERIES_TABLE"] = tables.DeliveriesTable;
        await using var daily = await StartAsync(LambdaFunctions.Daily, environment);

        var failed = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));
        await DynamoDbTables.CreateAsync(standIns.Client, tables);
        var served = await daily.InvokeAsync(LambdaEvents.Read("scheduler.json"));

        Assert.Equal("error", failed.Kind);
        Assert.Equal("ResourceNotFoundException", failed.Json().GetProperty("errorType").GetString());
        Assert.Equal("ResourceNotFoundException", failed.ErrorTypeHeader);
        Assert.False(string.IsNullOrWhiteSpace(failed.Json().GetProperty("errorMessage").GetString()));
        Assert.Equal("response", served.Kind);
        Assert.Equal(Today().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), served.Json().GetProperty("studyDate").GetString());
        Assert.False(daily.Process.HasExited);
    }

    [Fact]
    public async Task An_event_that_is_not_JSON_is_answered_with_a_clear_error_and_the_process_keeps_serving()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await using var consent = await StartAsync(LambdaFunctions.Consent, environment);
        await using var daily = await StartAsync(LambdaFunctions.Daily, environment);

        var consentReply = await consent.InvokeAsync("this is { not json");
        var consentNext = await consent.InvokeAsync(LambdaEvents.Read("consent-get.json"));
        var dailyReply = await daily.InvokeAsync("this is { not json");
        var dailyNext = await daily.InvokeAsync(LambdaEvents.Read("direct-invoke-dry-run.json"));

        // The Function URL's caller gets an HTTP 400; a direct invoke's caller gets a function error.
        Assert.Equal(400, consentReply.Json().GetProperty("statusCode").GetInt32());
        Assert.Contains("not valid JSON", consentReply.Json().GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, consentNext.Json().GetProperty("statusCode").GetInt32());
        Assert.Equal("error", dailyReply.Kind);
        Assert.Equal("ArgumentException", dailyReply.Json().GetProperty("errorType").GetString());
        Assert.Contains("The event is not valid JSON.", dailyReply.Json().GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.Equal("response", dailyNext.Kind);
        Assert.Equal(0, dailyNext.Json().GetProperty("sent").GetInt32());
    }

    /// <summary>A Function URL event of Twilio's inbound <c>JOIN MITZVAH</c> from <paramref name="phone"/>, signed as Twilio signs it.</summary>
    private static string SignedJoin(string phone)
    {
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = AwsStandIns.AccountSid,
            ["From"] = "whatsapp:" + phone,
            ["To"] = "whatsapp:+14155550100",
            ["Body"] = "JOIN MITZVAH",
            ["NumMedia"] = "0",
            ["ApiVersion"] = "2010-04-01",
        };
        var signature = TwilioSignature.Compute(HostSettings.TestAuthToken, new Uri($"https://{FunctionUrlHost}/api/consent"), form);
        var @event = JsonNode.Parse(LambdaEvents.Read("consent-form-post-signed.json"))!;
        @event["headers"]!["x-twilio-signature"] = signature;
        @event["body"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TwilioSignature.FormBody(form)));
        return @event.ToJsonString();
    }

    private async Task<RunningFunction> StartAsync(string? function, Dictionary<string, string?> environment)
    {
        // The template's variables for the function, pointed at the stand-ins.
        var variables = new Dictionary<string, string?>(environment)
        {
            [LambdaFunctions.SettingName] = function,

            // Every day a send day and every subscriber's moment past (00:00), so that a tick now serves whoever joined.
            ["MITZVAH_TIME_ZONE"] = Zone,
            ["MITZVAH_SEND_TIME"] = "00:00",
            ["MITZVAH_SKIP_REST_DAYS"] = "false",
            ["AWS_ENDPOINT_URL_DYNAMODB"] = standIns.DynamoDbUrl.ToString(),
        };
        var api = await LambdaRuntimeApi.StartAsync();
        var name = function == LambdaFunctions.Consent ? "mitzvah-ConsentHandler" : "mitzvah-DailyMitzvahBot";
        return new RunningFunction(api, LambdaProcess.Start(package, api, name, variables));
    }

    private static string GetEvent(string path)
    {
        var @event = JsonNode.Parse(LambdaEvents.Read("consent-get.json"))!;
        @event["rawPath"] = path;
        @event["requestContext"]!["http"]!["path"] = path;
        return @event.ToJsonString();
    }

    // The zone of the test numbers (+1 415), which they join with.
    private const string Zone = "America/Los_Angeles";

    private static DateOnly Today() => SendSchedule.LocalDate(Zone, DateTimeOffset.UtcNow);

    private DynamoDbSubscriberStore Store(Dictionary<string, string?> environment) => new(standIns.Client, Options.Create(Tables(environment)));

    private DynamoDbDeliveryLedger Ledger(Dictionary<string, string?> environment) => new(standIns.Client, Tables(environment));

    private static DynamoDbOptions Tables(Dictionary<string, string?> environment) => new()
    {
        SubscribersTable = environment["SUBSCRIBERS_TABLE"]!,
        ConsentHistoryTable = environment["CONSENT_HISTORY_TABLE"]!,
        DeliveriesTable = environment["DELIVERIES_TABLE"]!,
    };

    private sealed class RunningFunction(LambdaRuntimeApi api, LambdaProcess process) : IAsyncDisposable
    {
        public LambdaRuntimeApi Api => api;

        public LambdaProcess Process => process;

        public async Task<RuntimeApiPost> InvokeAsync(string payload, TimeSpan? functionTimeout = null)
        {
            try
            {
                var reply = await api.InvokeAsync(payload, functionTimeout);
                Assert.Empty(api.ProtocolErrors);
                return reply;
            }
            catch (TimeoutException)
            {
                Assert.Fail($"The function did not answer. Its output:\n{process.Output}");
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            await api.DisposeAsync();
        }
    }
}
