using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Sending;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Twilio.Tests;

/// <summary>
/// The messenger's requests against Prism serving Twilio's own OpenAPI description: Prism answers 422 to any request
/// that breaks the contract, so acceptance here means the SDK call we make is one Twilio's API describes.
/// </summary>
[Collection(SharedPrism.Name)]
public sealed class TwilioMessengerPrismTests(PrismFixture prism)
{
    private const string AccountSid = LoopbackTwilio.DefaultAccountSid;
    private const string AuthToken = "prism-auth-token";

    private TwilioOptions Options(Action<TwilioOptions>? configure = null)
    {
        var options = new TwilioOptions
        {
            AccountSid = AccountSid,
            AuthToken = AuthToken,
            WhatsAppNumber = TestMessengers.Sender,
            ApiBaseUrl = prism.Server.BaseUrl,
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<SendOutcome> SendAsync(TwilioOptions options, MessageForm form = MessageForm.Freeform)
    {
        using var messenger = TestMessengers.Create(options);
        return await messenger.SendAsync(TestPhones.Alice, TestMessengers.MessageFor(TestMessengers.SendDay), form);
    }

    [Fact]
    public async Task A_freeform_message_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(Options());

        AssertAccepted(outcome);
    }

    [Fact]
    public async Task A_template_message_with_content_variables_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(Options(o => o.TemplateSid = TestMessengers.TemplateSid), MessageForm.Template);

        AssertAccepted(outcome);
    }

    [Fact]
    public async Task A_template_message_with_a_dated_status_callback_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(
            Options(o =>
            {
                o.TemplateSid = TestMessengers.TemplateSid;
                o.StatusCallbackUrl = new Uri("https://mitzvah.example/api/status");
            }),
            MessageForm.Template);

        AssertAccepted(outcome);
    }

    [Fact]
    public async Task A_freeform_message_with_a_template_configured_and_a_dated_status_callback_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(Options(o =>
        {
            o.TemplateSid = TestMessengers.TemplateSid;
            o.StatusCallbackUrl = new Uri("https://mitzvah.example/api/status");
        }));

        AssertAccepted(outcome);
    }

    [Fact]
    public async Task A_message_through_a_messaging_service_with_a_status_callback_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(Options(o =>
        {
            o.WhatsAppNumber = null;
            o.MessagingServiceSid = TestMessengers.MessagingServiceSid;
            o.StatusCallbackUrl = new Uri("https://example.com/twilio/status");
            o.TemplateSid = TestMessengers.TemplateSid;
        }), MessageForm.Template);

        AssertAccepted(outcome);
    }

    [Fact]
    public async Task A_freeform_message_with_a_dated_status_callback_is_a_valid_create_message_request()
    {
        var outcome = await SendAsync(Options(o => o.StatusCallbackUrl = new Uri("https://mitzvah.example/api/status")));

        AssertAccepted(outcome);
    }

    [Theory]
    [InlineData("template")]
    [InlineData("service")]
    public async Task Prism_refuses_a_sid_that_breaks_the_contract_through_the_same_sdk_path(string field)
    {
        // The messenger only checks the prefix; Twilio's description demands 32 hex digits after it.
        var malformed = field == "template" ? "HX" + new string('z', 32) : "MG" + new string('z', 32);
        var options = Options(o =>
        {
            if (field == "template")
            {
                o.TemplateSid = malformed;
            }
            else
            {
                o.MessagingServiceSid = malformed;
            }
        });

        var outcome = await SendAsync(options, field == "template" ? MessageForm.Template : MessageForm.Freeform);

        Assert.False(outcome.Accepted);
        Assert.Equal(SendFailureKind.Rejected, outcome.Failure);
        Assert.Equal("422", outcome.ErrorCode);
    }

    [Fact]
    public async Task Prism_refuses_a_create_message_request_without_to_and_accepts_the_same_request_with_it()
    {
        using var http = new HttpClient { BaseAddress = prism.Server.BaseUrl };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        var path = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";

        async Task<HttpStatusCode> PostAsync(Dictionary<string, string> form)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        var withoutTo = new Dictionary<string, string> { ["From"] = "whatsapp:" + TestMessengers.Sender, ["Body"] = "Hello" };
        var withTo = new Dictionary<string, string>(withoutTo) { ["To"] = "whatsapp:" + TestPhones.Alice };

        Assert.Equal(HttpStatusCode.UnprocessableEntity, await PostAsync(withoutTo));
        Assert.Equal(HttpStatusCode.Created, await PostAsync(withTo));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Looking_for_an_accepted_message_reads_twilios_list_page_without_error(bool template)
    {
        using var messenger = TestMessengers.Create(Options(o => o.TemplateSid = template ? TestMessengers.TemplateSid : null));
        var message = TestMessengers.MessageFor(TestMessengers.SendDay);

        // Prism answers with the description's example page (other recipients, an old date): parsed, nothing matches.
        var found = await messenger.FindAcceptedAsync(TestPhones.Alice, message, DateTimeOffset.UtcNow.AddDays(-1));

        Assert.Null(found);
    }

    private static void AssertAccepted(SendOutcome outcome)
    {
        Assert.True(outcome.Accepted, $"Prism refused the request: {outcome.ErrorCode} {outcome.Detail}");
        Assert.Matches("^(SM|MM)[0-9a-zA-Z]{32}$", outcome.MessageId);
    }
}
