using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.DynamoDb;

namespace Mitzvah.Aws.Tests;

/// <summary>The event documents of <c>aws/events</c> through both handlers, with DynamoDB = dynalite and Twilio = Prism.</summary>
[Collection(SharedAwsStandIns.Name)]
public sealed class LambdaHandlerTests(AwsStandIns standIns)
{
    private const string Subscriber = "+14155552671";
    private static readonly DateOnly SendDay = new(2026, 11, 25);

    [Fact]
    public async Task A_signature_over_the_wrong_url_is_refused_when_PUBLIC_CONSENT_URL_differs()
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment["PUBLIC_CONSENT_URL"] = "https://mitzvah.example.org/api/consent";
        using var consent = Consent(environment);

        var response = await LambdaEvents.InvokeAsync(consent.Handle, LambdaEvents.Read("consent-form-post-signed.json"));

        Assert.Equal(403, response.GetProperty("statusCode").GetInt32());
    }

    [Fact]
    public async Task Health_GET_and_the_JSON_web_form_work_through_the_function_url()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var consent = Consent(environment);

        var health = await LambdaEvents.InvokeAsync(consent.Handle, LambdaEvents.Read("consent-get.json"));
        var form = await LambdaEvents.InvokeAsync(consent.Handle, LambdaEvents.Read("consent-json-post.json"));

        Assert.Equal(200, health.GetProperty("statusCode").GetInt32());
        Assert.Equal("dynamodb", JsonDocument.Parse(health.GetProperty("body").GetString()!).RootElement.GetProperty("store").GetString());
        Assert.Equal(200, form.GetProperty("statusCode").GetInt32());
        // A web opt-in waits for the number's owner to confirm on WhatsApp.
        Assert.Equal(ConsentStatus.Pending, (await Store(environment).GetAsync("+14155552672"))?.Status);
    }

    [Fact]
    public async Task A_body_that_is_not_base64_is_400()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var consent = Consent(environment);
        var broken = System.Text.Json.Nodes.JsonNode.Parse(LambdaEvents.Read("consent-form-post-signed.json"))!;
        broken["body"] = "%%% not base64 %%%";

        var response = await LambdaEvents.InvokeAsync(consent.Handle, broken.ToJsonString());

        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        Assert.Contains("base64", response.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Function URL only")]
    [InlineData("[1, 2]", "Function URL only")]
    [InlineData("""{"scheduledTime":"2026-11-25T16:00:00Z"}""", "Function URL only")]
    public async Task An_event_that_is_not_a_function_url_request_is_400_and_writes_nothing(string payload, string message)
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var consent = Consent(environment);

        var response = await LambdaEvents.InvokeAsync(consent.Handle, payload);

        AssertBadRequest(response, message);
    }

    [Theory]
    [InlineData("no-request-context", "Function URL only")]
    [InlineData("no-http", "requestContext.http.method is missing")]
    [InlineData("no-method", "requestContext.http.method is missing")]
    [InlineData("header-not-text", "header 'x-twilio-signature' is not text")]
    [InlineData("headers-not-an-object", "headers must be an object")]
    [InlineData("body-not-a-string", "body must be a string")]
    [InlineData("host-not-a-host", "Host header and path do not form a URL")]
    public async Task A_malformed_function_url_event_is_400_and_writes_nothing(string defect, string message)
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var consent = Consent(environment);
        // The signed JOIN webhook, which subscribes when intact, with one defect.
        var broken = JsonNode.Parse(LambdaEvents.Read("consent-form-post-signed.json"))!.AsObject();
        switch (defect)
        {
            case "no-request-context":
                broken.Remove("requestContext");
                break;
            case "no-http":
                broken["requestContext"]!.AsObject().Remove("http");
                break;
            case "no-method":
                broken["requestContext"]!["http"]!.AsObject().Remove("method");
                break;
            case "header-not-text":
                broken["headers"]!["x-twilio-signature"] = 42;
                break;
            case "headers-not-an-object":
                broken["headers"] = "host: example.org";
                break;
            case "body-not-a-string":
                broken["body"] = new JsonObject { ["Body"] = "JOIN MITZVAH" };
                break;
            case "host-not-a-host":
                broken["headers"]!["host"] = "not a host";
                break;
        }

        var response = await LambdaEvents.InvokeAsync(consent.Handle, broken.ToJsonString());

        AssertBadRequest(response, message);
        Assert.Null(await Store(environment).GetAsync(Subscriber));
        Assert.Equal(0, await Store(environment).CountAsync(ConsentStatus.OptedIn));
    }

    [Fact]
    public async Task A_function_url_event_without_requestContext_http_is_400_and_the_run_does_not_start()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await Subscribe(environment, Subscriber);
        using var bot = Bot(environment);
        var broken = JsonNode.Parse(LambdaEvents.Read("send-url-with-token.json"))!.AsObject();
        broken["requestContext"]!.AsObject().Remove("http");

        var response = await LambdaEvents.InvokeAsync(bot.Handle, broken.ToJsonString());

        AssertBadRequest(response, "requestContext.http.method is missing");
        Assert.Empty(await Ledger(environment).ListAsync(Today()));
    }

    [Fact]
    public async Task A_misspelt_direct_invoke_field_is_refused_instead_of_sending_to_everyone()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await Subscribe(environment, Subscriber, "+14155552672");
        using var bot = Bot(environment);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => LambdaEvents.InvokeAsync(
            bot.Handle, """{"scheduledTime":"2026-11-25T16:00:00Z","test_recipent":"+14155552671"}"""));

        Assert.Contains("unknown field 'test_recipent'", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Ledger(environment).ListAsync(SendDay));
    }

    [Fact]
    public async Task An_empty_scheduler_input_runs_for_today_in_the_send_zone()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var bot = Bot(environment);
        var today = NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(NodaTime.DateTimeZoneProviders.Tzdb["America/Chicago"]).Date;

        var summary = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("scheduler-empty.json"));

        Assert.Equal(today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), summary.GetProperty("studyDate").GetString());
        Assert.Equal(0, summary.GetProperty("eligible").GetInt32());
    }

    [Fact]
    public async Task The_original_direct_invoke_sends_to_the_test_recipient_outside_the_ledger()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await Subscribe(environment, "+14155552672");
        using var bot = Bot(environment);

        var summary = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("direct-invoke.json"));

        Assert.Equal("test-recipient", summary.GetProperty("recipients").GetString());
        Assert.Equal(1, summary.GetProperty("sent").GetInt32());
        Assert.Empty(await Ledger(environment).ListAsync(SendDay));
    }

    [Fact]
    public async Task The_dry_run_counts_and_writes_nothing()
    {
        var environment = await standIns.NewEnvironmentAsync();
        await Subscribe(environment, Subscriber, "+14155552672", "+14155552673");
        using var bot = Bot(environment);

        var summary = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("direct-invoke-dry-run.json"));

        Assert.Equal(3, summary.GetProperty("eligible").GetInt32());
        Assert.Equal(0, summary.GetProperty("sent").GetInt32());
        Assert.Empty(await Ledger(environment).ListAsync(SendDay));
    }

    [Theory]
    [InlineData("""{"test_date":"25/11/2026"}""", "test_date '25/11/2026' is not a date")]
    [InlineData("""{"test_recipient":"555"}""", "test_recipient is not a phone number")]
    [InlineData("""{"scheduledTime":"soon"}""", "scheduledTime 'soon'")]
    [InlineData("""[1]""", "must be a JSON object")]
    [InlineData("""{"test_date":20261125}""", "test_date '20261125' is not a date like 2026-11-25")]
    [InlineData("""{"test_date":"2026-11-25","dry_run":"maybe"}""", "dry_run must be true or false")]
    [InlineData("""{"key1":"value1"}""", "unknown field 'key1'")]
    public async Task A_bad_direct_invoke_fails_with_a_message_saying_what_is_wrong(string payload, string message)
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var bot = Bot(environment);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => LambdaEvents.InvokeAsync(bot.Handle, payload));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_manual_trigger_needs_SEND_TOKEN_through_the_function_url()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var bot = Bot(environment);

        var refused = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("send-url-without-token.json"));
        var accepted = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("send-url-with-token.json"));

        Assert.Equal(401, refused.GetProperty("statusCode").GetInt32());
        Assert.Equal(200, accepted.GetProperty("statusCode").GetInt32());
        var summary = JsonDocument.Parse(accepted.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(1, summary.GetProperty("sent").GetInt32());
        Assert.Equal("+1415***2671", summary.GetProperty("testRecipient").GetString());
    }

    [Fact]
    public async Task Without_SEND_TOKEN_the_manual_trigger_is_disabled()
    {
        var environment = await standIns.NewEnvironmentAsync(sendToken: null);
        using var bot = Bot(environment);

        var response = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("send-url-with-token.json"));

        Assert.Equal(404, response.GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData("TWILIO_ACCOUNT_SID", "nope", "TWILIO_ACCOUNT_SID")]
    [InlineData("MITZVAH_SEND_CONCURRENCY", "0", "MITZVAH_SEND_CONCURRENCY")]
    [InlineData("SEND_TOKEN", "short", "SEND_TOKEN")]
    public async Task A_missing_or_bad_setting_fails_the_cold_start_naming_it(string name, string? value, string named)
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment[name] = value;

        var error = Assert.Throws<OptionsValidationException>(() => Bot(environment));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_SUBSCRIBERS_TABLE_a_missing_DELIVERIES_TABLE_fails_the_cold_start_naming_it()
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment["SUBSCRIBERS_TABLE"] = null;
        environment["DELIVERIES_TABLE"] = null;
        environment["RECIPIENTS"] = "+14155552674";

        var error = Assert.Throws<OptionsValidationException>(() => Bot(environment));

        Assert.Contains("DELIVERIES_TABLE is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_SUBSCRIBERS_TABLE_the_run_sends_to_RECIPIENTS()
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment["SUBSCRIBERS_TABLE"] = null;
        environment["RECIPIENTS"] = "+14155552674,+14155552675";

        // A fixed list follows the operator's clock: every day a send day, its moment (00:00) past at every tick.
        environment["MITZVAH_SEND_TIME"] = "00:00";
        environment["MITZVAH_SKIP_REST_DAYS"] = "false";
        using var bot = Bot(environment);

        var summary = await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("scheduler.json"));

        Assert.Equal("RECIPIENTS", summary.GetProperty("recipients").GetString());
        Assert.Equal(2, summary.GetProperty("sent").GetInt32());
        Assert.Equal(2, (await Ledger(environment).ListAsync(Today())).Count);
    }

    private static void AssertBadRequest(JsonElement response, string message)
    {
        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("application/json", response.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);
        var error = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.GetProperty("error").GetString();
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static DateOnly Today() =>
        NodaTime.SystemClock.Instance.GetCurrentInstant().InZone(NodaTime.DateTimeZoneProviders.Tzdb["America/Chicago"]).Date.ToDateOnly();

    private DailyMitzvahBot Bot(Dictionary<string, string?> environment) => new(AwsStandIns.Configuration(environment), standIns.UseDynalite());

    private ConsentHandler Consent(Dictionary<string, string?> environment) => new(AwsStandIns.Configuration(environment), standIns.UseDynalite());

    private DynamoDbSubscriberStore Store(Dictionary<string, string?> environment) => new(standIns.Client, Options.Create(Tables(environment)));

    private DynamoDbDeliveryLedger Ledger(Dictionary<string, string?> environment) => new(standIns.Client, Tables(environment));

    private static DynamoDbOptions Tables(Dictionary<string, string?> environment) => new()
    {
        SubscribersTable = environment["SUBSCRIBERS_TABLE"] ?? "unused",
        ConsentHistoryTable = environment["CONSENT_HISTORY_TABLE"]!,
        DeliveriesTable = environment["DELIVERIES_TABLE"]!,
    };

    private async Task Subscribe(Dictionary<string, string?> environment, params string[] phones)
    {
        foreach (var phone in phones)
        {
            await Store(environment).RecordConsentAsync(new ConsentChange(
                phone, ConsentStatus.OptedIn, ConsentSource.Admin, new ConsentEvidence(Actor: "test"), DateTimeOffset.UtcNow));
        }
    }
}
