using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.DynamoDb;
using Mitzvah.Testing.Consent;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.Lambda;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Aws.Tests.Process;

/// <summary>
/// The delivery loop on the published package: the consent function started as Lambda starts it, behind a Function
/// URL stand-in, and the daily function from the same package, against dynalite, with Twilio played by a stand-in
/// (its creates checked by Prism) that posts signed status callbacks, shuffled and repeated, to the Function URL.
/// Readers who wrote in have WhatsApp's 24-hour window open; readers added by an operator never wrote. The operators'
/// report is read from the daily function's Function URL, which holds the send token.
/// </summary>
[Collection(SharedLambdaPackage.Name)]
public sealed class LambdaDeliveryLoopTests(LambdaPackage package, AwsStandIns standIns)
{
    private const string TemplateSid = "HX0123456789abcdef0123456789abcdef";
    private const string WhatsAppNumber = "+14155550100";
    // The zone of the test numbers (+1 415), which they join with.
    private const string Zone = "America/Los_Angeles";
    private static readonly TimeSpan CallbackWait = TimeSpan.FromSeconds(120);

    // The functions' Timeout in aws/template.yaml.
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DailyTimeout = TimeSpan.FromMinutes(15);

    [Fact]
    public async Task With_a_template_writers_get_freeform_the_others_the_template_and_each_fate_reaches_ledger_and_report()
    {
        (string Phone, bool Wrote, LoopbackFate Fate)[] recipients =
        [
            ("+14155552691", true, LoopbackFate.Read),
            ("+14155552692", true, LoopbackFate.Delivered),
            ("+14155552693", true, LoopbackFate.Failed("63024")),
            ("+14155552694", false, LoopbackFate.Undelivered("63049")),
            ("+14155552695", false, LoopbackFate.Read),
            ("+14155552696", false, LoopbackFate.Delivered),
        ];
        await using var loop = await DeliveryLoop.StartAsync(package, standIns, TemplateSid);

        await loop.RunDayAsync(recipients);

        foreach (var (phone, wrote, scripted) in recipients)
        {
            var message = Assert.Single(loop.Twilio.Accepted, accepted => accepted.Phone == phone);
            Assert.True(wrote ? message is { Body: not null, ContentSid: null } : message is { Body: null, ContentSid: TemplateSid }, $"{phone} (wrote: {wrote}) got Body={message.Body is not null}, ContentSid={message.ContentSid}");
            Assert.Equal(scripted, loop.Twilio.FateOf(message.Sid));
        }

        var items = await loop.LedgerItemsMatchTheStandInAsync();
        Assert.All(items.Values, item => Assert.False(item.OutsideWindow || item.ResentAsTemplate));

        var report = await loop.ReportAsync();
        AssertReportCountsWhatTheStandInProduced(loop.Twilio, report);
        Assert.Equal(6, report.GetProperty("accepted").GetInt64());
        Assert.Equal(3, report.GetProperty("template").GetInt64());
        Assert.Equal(3, report.GetProperty("freeform").GetInt64());
        Assert.Equal(4, report.GetProperty("delivered").GetInt64());
        Assert.Equal(2, report.GetProperty("read").GetInt64());
        Assert.Equal(2, report.GetProperty("failed").GetInt64());
        Assert.Equal(1, report.GetProperty("marketingNotDeliveredByCountry").GetProperty("+1").GetInt64());

        // The public consent URL has no send token, so it serves no report.
        Assert.Equal(HttpStatusCode.NotFound, (await DeliveryLoop.GetReportAsync(loop.FunctionUrl, loop.Day)).Status);

        // A callback signed with another token: refused, and neither the ledger nor the report moves.
        var read = Assert.Single(loop.Twilio.Accepted, accepted => accepted.Phone == recipients[0].Phone);
        using var poster = new HttpWebhookPoster();
        var forged = await poster.PostAsync(loop.Twilio.StatusCallbackPost(read, "failed", "30008", authToken: HostSettings.TestAuthToken + "-not"));
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(items[read.Phone], await loop.Ledger.GetAsync(loop.Day, read.Phone));
        Assert.Equal(report.GetRawText(), (await loop.ReportAsync()).GetRawText());
    }

    [Fact]
    public async Task Without_a_template_a_reader_who_never_wrote_gets_freeform_and_the_report_shows_it_outside_the_window()
    {
        (string Phone, bool Wrote, LoopbackFate Fate)[] recipients =
        [
            ("+14155552697", true, LoopbackFate.Delivered),
            ("+14155552698", false, LoopbackFate.Read),
        ];
        await using var loop = await DeliveryLoop.StartAsync(package, standIns, templateSid: null);

        await loop.RunDayAsync(recipients);

        Assert.Equal(2, loop.Twilio.AcceptedCount);
        Assert.All(loop.Twilio.Accepted, message => Assert.True(message is { Body: not null, ContentSid: null }, message.Phone));
        var closed = Assert.Single(loop.Twilio.Accepted, accepted => accepted.Phone == recipients[1].Phone);
        Assert.Equal(LoopbackFate.Undelivered(LoopbackTwilio.OutsideWindowError), loop.Twilio.FateOf(closed.Sid));
        var items = await loop.LedgerItemsMatchTheStandInAsync();
        Assert.True(items[closed.Phone].OutsideWindow);
        Assert.False(items[recipients[0].Phone].OutsideWindow);

        var report = await loop.ReportAsync();
        AssertReportCountsWhatTheStandInProduced(loop.Twilio, report);
        Assert.Equal(2, report.GetProperty("freeform").GetInt64());
        Assert.Equal(0, report.GetProperty("template").GetInt64());
        Assert.Equal(1, report.GetProperty("outsideWindow").GetInt64());
        Assert.Equal(0, report.GetProperty("resentAsTemplate").GetInt64());
        Assert.Equal(1, report.GetProperty("errors").GetProperty(LoopbackTwilio.OutsideWindowError).GetInt64());
    }

    [Fact]
    public async Task A_freeform_message_refused_outside_the_window_is_resent_as_the_template_by_the_consent_function()
    {
        // The app saw the reader write, but by the time the message arrives WhatsApp's window is closed.
        (string Phone, bool Wrote, LoopbackFate Fate)[] recipients = [("+14155552690", true, LoopbackFate.Delivered)];
        await using var loop = await DeliveryLoop.StartAsync(package, standIns, TemplateSid);

        await loop.RunDayAsync(recipients, windowClosedAtTwilio: true);

        var phone = recipients[0].Phone;
        Assert.Equal(2, loop.Twilio.CountTo(phone));
        var (refused, resent) = (loop.Twilio.Accepted[0], loop.Twilio.Accepted[1]);
        Assert.True(refused is { Body: not null, ContentSid: null }, "the daily run sends freeform inside the window the app saw");
        Assert.True(resent is { Body: null, ContentSid: TemplateSid }, "the resend is the template");
        Assert.Equal(LoopbackFate.Undelivered(LoopbackTwilio.OutsideWindowError), loop.Twilio.FateOf(refused.Sid));
        Assert.Equal(LoopbackFate.Delivered, loop.Twilio.FateOf(resent.Sid));
        var item = await loop.Ledger.GetAsync(loop.Day, phone);
        Assert.NotNull(item);
        Assert.Equal(resent.Sid, item.MessageId);
        Assert.Equal(MessageForm.Template, item.Form);
        Assert.True(item.ResentAsTemplate);
        Assert.Equal(DeliveryStatus.Delivered, item.DeliveryStatus);
        Assert.Null(item.DeliveryErrorCode);

        var report = await loop.ReportAsync();
        Assert.Equal(1, report.GetProperty("accepted").GetInt64());
        Assert.Equal(1, report.GetProperty("delivered").GetInt64());
        Assert.Equal(0, report.GetProperty("failed").GetInt64());
        Assert.Equal(1, report.GetProperty("template").GetInt64());
        Assert.Equal(0, report.GetProperty("freeform").GetInt64());
        Assert.Equal(1, report.GetProperty("resentAsTemplate").GetInt64());
        Assert.Equal(0, report.GetProperty("outsideWindow").GetInt64());
        Assert.Empty(report.GetProperty("errors").EnumerateObject());
    }

    /// <summary>The report's counts are the stand-in's: what it accepted, how, and how each message ended.</summary>
    private static void AssertReportCountsWhatTheStandInProduced(LoopbackTwilio twilio, JsonElement report)
    {
        var accepted = twilio.Accepted;
        var fates = accepted.Select(message => twilio.FateOf(message.Sid)!).ToList();
        Assert.Equal(accepted.Count, report.GetProperty("accepted").GetInt64());
        Assert.Equal(accepted.Count(message => message.ContentSid is not null), report.GetProperty("template").GetInt64());
        Assert.Equal(accepted.Count(message => message.ContentSid is null), report.GetProperty("freeform").GetInt64());
        Assert.Equal(fates.Count(fate => fate.LedgerStatus is DeliveryStatus.Delivered or DeliveryStatus.Read), report.GetProperty("delivered").GetInt64());
        Assert.Equal(fates.Count(fate => fate.LedgerStatus is DeliveryStatus.Read), report.GetProperty("read").GetInt64());
        Assert.Equal(fates.Count(fate => fate.ErrorCode is not null), report.GetProperty("failed").GetInt64());
        Assert.Equal(0, report.GetProperty("pending").GetInt64());
        var errors = report.GetProperty("errors").EnumerateObject().ToDictionary(error => error.Name, error => error.Value.GetInt64(), StringComparer.Ordinal);
        var expected = fates.Where(fate => fate.ErrorCode is not null).GroupBy(fate => fate.ErrorCode!, StringComparer.Ordinal).ToDictionary(group => group.Key, group => (long)group.Count(), StringComparer.Ordinal);
        Assert.Equal(expected.OrderBy(pair => pair.Key, StringComparer.Ordinal), errors.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// The two functions of one deployment, from the one package, sharing fresh tables and one Twilio stand-in; the
    /// consent function behind its Function URL, whose address is the deployment's public consent URL.
    /// </summary>
    private sealed class DeliveryLoop : IAsyncDisposable
    {
        private readonly AwsStandIns _standIns;
        private readonly Dictionary<string, string?> _environment;
        private readonly List<IAsyncDisposable> _owned = [];
        private LambdaRuntimeApi? _dailyApi;
        private LambdaProcess? _consent;
        private LambdaProcess? _daily;

        private DeliveryLoop(AwsStandIns standIns, Dictionary<string, string?> environment)
        {
            _standIns = standIns;
            _environment = environment;
        }

        public LoopbackTwilio Twilio { get; private set; } = null!;

        public FunctionUrlFrontEnd FunctionUrl { get; private set; } = null!;

        /// <summary>The daily function's Function URL (IAM auth on AWS, not checked here): the operators' report.</summary>
        public FunctionUrlFrontEnd DailyUrl { get; private set; } = null!;

        public Uri ConsentUrl => new(FunctionUrl.BaseAddress, "api/consent");

        public DynamoDbDeliveryLedger Ledger => new(_standIns.Client, Tables);

        /// <summary>The subscribers' local date when the tick ran.</summary>
        public DateOnly Day { get; private set; }

        private DynamoDbOptions Tables => new()
        {
            SubscribersTable = _environment["SUBSCRIBERS_TABLE"]!,
            ConsentHistoryTable = _environment["CONSENT_HISTORY_TABLE"]!,
            DeliveriesTable = _environment["DELIVERIES_TABLE"]!,
        };

        private string Output => $"The consent function's output:\n{_consent?.Output}\nThe daily function's output:\n{_daily?.Output}";

        public static async Task<DeliveryLoop> StartAsync(LambdaPackage package, AwsStandIns standIns, string? templateSid)
        {
            var loop = new DeliveryLoop(standIns, await standIns.NewEnvironmentAsync());
            try
            {
                await loop.StartFunctionsAsync(package, templateSid);
                return loop;
            }
            catch
            {
                await loop.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Writers send JOIN through the Function URL, the others are opted in by an operator; the daily function runs
        /// once; every status callback is released and answered.
        /// </summary>
        /// <remarks>
        /// With <paramref name="windowClosedAtTwilio"/>, writers' JOINs reach the app but their window is closed at
        /// the stand-in (as when it closes between the app's check and the message's arrival).
        /// </remarks>
        public async Task RunDayAsync((string Phone, bool Wrote, LoopbackFate Fate)[] recipients, bool windowClosedAtTwilio = false)
        {
            var store = new DynamoDbSubscriberStore(_standIns.Client, Options.Create(Tables));
            foreach (var (phone, wrote, fate) in recipients)
            {
                Twilio.ScriptFate(phone, fate);
                if (wrote)
                {
                    var joined = windowClosedAtTwilio ? await PostJoinUnseenByTheStandInAsync(phone) : await Twilio.PostInboundAsync(ConsentUrl, phone, "JOIN");
                    Assert.True(joined.IsSuccess, $"{joined.StatusCode} {joined.Body}\n{Output}");
                }
                else
                {
                    await store.RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).ByAdmin("import").Build() with
                    {
                        Preferences = new DeliveryPreferences { TimeZone = Zone },
                    });
                }
            }

            Day = SendSchedule.LocalDate(Zone, DateTimeOffset.UtcNow);

            RuntimeApiPost run;
            try
            {
                run = await _dailyApi!.InvokeAsync(LambdaEvents.Read("scheduler.json"), wait: TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"The daily function did not answer. {Output}");
                throw;
            }

            Assert.True(run.Kind == "response", $"{run.Body}\n{Output}");
            Assert.Equal(recipients.Length, run.Json().GetProperty("sent").GetInt32());
            Assert.Equal(0, Twilio.PrismRefusals);
            Assert.Equal(recipients.Length, Twilio.Fates.Count);
            Assert.True(Twilio.ReleaseCallbacks() >= 2 * recipients.Length);

            // A callback can make the app send again (a resend as the template), whose callbacks are held in turn.
            do
            {
                await Twilio.WaitUntilAsync(twilio => twilio.PendingCallbacks == twilio.HeldCallbacks, CallbackWait);
            }
            while (Twilio.ReleaseCallbacks() > 0);

            Assert.All(Twilio.Callbacks, callback => Assert.True(callback.Answered && callback.Attempt == 1, $"{callback.Status}: {callback.Answer?.StatusCode} {callback.Answer?.Body}{callback.PostError}\n{Output}"));
            Assert.Contains(Twilio.Callbacks, callback => callback.Duplicate);
        }

        /// <summary>Twilio's signed inbound <c>JOIN</c> from <paramref name="phone"/> to the Function URL, without opening its window at the stand-in.</summary>
        private async Task<WebhookAnswer> PostJoinUnseenByTheStandInAsync(string phone)
        {
            var sid = "SM" + Guid.NewGuid().ToString("N");
            var form = new List<KeyValuePair<string, string>>
            {
                new("MessageSid", sid),
                new("SmsMessageSid", sid),
                new("AccountSid", AwsStandIns.AccountSid),
                new("From", "whatsapp:" + phone),
                new("To", "whatsapp:" + WhatsAppNumber),
                new("Body", "JOIN"),
                new("NumMedia", "0"),
                new("ApiVersion", "2010-04-01"),
            };
            using var poster = new HttpWebhookPoster();
            return await poster.PostAsync(WebhookPost.Sign(HostSettings.TestAuthToken, ConsentUrl, form));
        }

        /// <summary>Asserts that each ledger item holds the message and the fate the stand-in produced; the items by phone.</summary>
        public async Task<Dictionary<string, DeliveryRecord>> LedgerItemsMatchTheStandInAsync()
        {
            var items = (await Ledger.ListAsync(Day)).ToDictionary(item => item.Phone, StringComparer.Ordinal);
            Assert.Equal(Twilio.Accepted.Select(message => message.Phone).Order(StringComparer.Ordinal), items.Keys.Order(StringComparer.Ordinal));
            foreach (var message in Twilio.Accepted)
            {
                var fate = Twilio.FateOf(message.Sid)!;
                var item = items[message.Phone];
                Assert.Equal(DeliveryState.Sent, item.State);
                Assert.Equal(message.Sid, item.MessageId);
                Assert.Equal(message.ContentSid is null ? MessageForm.Freeform : MessageForm.Template, item.Form);
                Assert.True(
                    fate.LedgerStatus == item.DeliveryStatus && fate.ErrorCode == item.DeliveryErrorCode,
                    $"{message.Phone}: Twilio reported {fate}, the ledger holds {item.DeliveryStatus} {item.DeliveryErrorCode}");
            }

            return items;
        }

        /// <summary><c>GET /api/report?date=</c> through the daily function's Function URL, as an operator asks for it.</summary>
        public async Task<JsonElement> ReportAsync()
        {
            var (status, body) = await GetReportAsync(DailyUrl, Day);
            Assert.True(status == HttpStatusCode.OK, $"{status} {body}\n{Output}");
            using var report = JsonDocument.Parse(body);
            return report.RootElement.Clone();
        }

        /// <summary>The report asked for, with the send token, at <paramref name="functionUrl"/>.</summary>
        public static async Task<(HttpStatusCode Status, string Body)> GetReportAsync(FunctionUrlFrontEnd functionUrl, DateOnly day)
        {
            using var http = new HttpClient { BaseAddress = functionUrl.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/report?date={day:yyyy-MM-dd}", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AwsStandIns.SendToken);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public async ValueTask DisposeAsync()
        {
            // Processes first, so that nothing posts to a stopped stand-in; then in reverse order of start.
            foreach (var owned in Enumerable.Reverse(_owned).OrderBy(owned => owned is LambdaProcess ? 0 : 1))
            {
                await owned.DisposeAsync();
            }
        }

        private async Task StartFunctionsAsync(LambdaPackage package, string? templateSid)
        {
            Twilio = Own(await LoopbackTwilio.StartAsync(new LoopbackTwilioOptions
            {
                AccountSid = AwsStandIns.AccountSid,
                AuthToken = HostSettings.TestAuthToken,
                WhatsAppNumber = WhatsAppNumber,
                HoldCallbacks = true,
                CallbackSeed = 20261125,
                DuplicateRate = 0.3,
                PrismUrl = _standIns.TwilioUrl,
            }));
            var consentApi = Own(await LambdaRuntimeApi.StartAsync());
            FunctionUrl = Own(await FunctionUrlFrontEnd.StartAsync(consentApi, ConsentTimeout));
            _dailyApi = Own(await LambdaRuntimeApi.StartAsync());
            DailyUrl = Own(await FunctionUrlFrontEnd.StartAsync(_dailyApi, DailyTimeout));

            // As deployed: the Function URL is the public consent URL, and Twilio's callbacks go to its /api/status.
            // Both functions get the Twilio account and template: the consent function resends a 63016 as the template.
            _environment["TWILIO_API_BASE_URL"] = Twilio.BaseUrl.ToString();
            _environment["PUBLIC_CONSENT_URL"] = ConsentUrl.ToString();
            _environment["TWILIO_STATUS_CALLBACK_URL"] = new Uri(FunctionUrl.BaseAddress, "api/status").ToString();
            _environment["WHATSAPP_TEMPLATE_SID"] = templateSid;
            // Every day a send day and every subscriber's moment past (00:00), so that a tick now serves whoever joined.
            _environment["MITZVAH_TIME_ZONE"] = Zone;
            _environment["MITZVAH_SEND_TIME"] = "00:00";
            _environment["MITZVAH_SKIP_REST_DAYS"] = "false";
            _environment["AWS_ENDPOINT_URL_DYNAMODB"] = _standIns.DynamoDbUrl.ToString();
            _consent = Own(LambdaProcess.Start(package, consentApi, "mitzvah-ConsentHandler", Variables(LambdaFunctions.Consent)));
            _daily = Own(LambdaProcess.Start(package, _dailyApi, "mitzvah-DailyMitzvahBot", Variables(LambdaFunctions.Daily)));
        }

        // As in aws/template.yaml, the send token stays off the public consent function.
        private Dictionary<string, string?> Variables(string function) => new(_environment)
        {
            [LambdaFunctions.SettingName] = function,
            ["SEND_TOKEN"] = function == LambdaFunctions.Daily ? AwsStandIns.SendToken : null,
        };

        private T Own<T>(T owned)
            where T : IAsyncDisposable
        {
            _owned.Add(owned);
            return owned;
        }
    }
}
