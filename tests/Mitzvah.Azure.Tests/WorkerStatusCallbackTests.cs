using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mitzvah.Azure.Tests.HostEmulator;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Testing.Contracts;
using Mitzvah.Testing.StandIns;
using Mitzvah.Twilio;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The delivery loop on the published worker under the host emulator: numbers that write in through the host, the
/// manual send through a Twilio stand-in (creates checked by Prism), and the stand-in's signed status callbacks,
/// shuffled and repeated, delivered through the host to the catch-all; the ledger on Azurite must end at each fate.
/// </summary>
[Collection(PublishedWorker.Name)]
public sealed class WorkerStatusCallbackTests(PublishedWorkerFixture published, StandInsFixture standIns) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 11, 25);

    private static readonly (string Phone, bool Wrote, LoopbackFate Fate)[] Recipients =
    [
        ("+14155552671", true, LoopbackFate.Read),
        ("+14155552672", true, LoopbackFate.Failed("63024")),
        ("+14155552673", true, LoopbackFate.Undelivered("63049")),
        ("+14155552674", false, LoopbackFate.Delivered),
        ("+14155552675", false, LoopbackFate.Failed("63024")),
    ];

    private readonly string _prefix = StandInsFixture.NewPrefix();

    [Fact]
    public async Task Callbacks_through_the_host_bring_every_ledger_item_to_its_fate_and_a_forged_one_writes_nothing()
    {
        var poster = new FunctionsHostPoster();
        await using var twilio = await LoopbackTwilio.StartAsync(new LoopbackTwilioOptions
        {
            AccountSid = TestSettings.AccountSid,
            AuthToken = TestSettings.AuthToken,
            WhatsAppNumber = TestSettings.WhatsAppNumber,
            HoldCallbacks = true,
            CallbackSeed = 20261125,
            DuplicateRate = 0.3,
            WebhookPoster = poster,
            PrismUrl = standIns.TwilioApiBaseUrl,
        });
        var settings = TestSettings.Complete(standIns, _prefix);
        settings[TwilioSettingNames.TwilioApiBaseUrl] = twilio.BaseUrl.ToString();
        settings[TwilioSettingNames.TwilioStatusCallbackUrl] = new Uri(FunctionsHostEmulator.PublicBaseUrl, "api/status").ToString();
        await using var host = await FunctionsHostEmulator.StartAsync(published, settings);
        poster.Host = host;
        await using var app = App(settings);
        foreach (var (phone, wrote, fate) in Recipients)
        {
            twilio.ScriptFate(phone, fate);
            if (wrote)
            {
                var joined = await twilio.PostInboundAsync(new Uri(FunctionsHostEmulator.PublicBaseUrl, "api/consent"), phone, "JOIN");
                Assert.True(joined.IsSuccess, joined.Body + "\n" + host.Output);
            }
            else
            {
                await app.GetRequiredService<ISubscriberStore>().RecordConsentAsync(ConsentChangeBuilder.OptIn(phone).ByAdmin("import").Build());
            }
        }

        var sent = await host.SendAsync(new EmulatedHttpRequest
        {
            Method = "POST",
            PathAndQuery = "api/send",
            ContentType = "application/json",
            Body = $"{{\"test_date\":\"{Day:yyyy-MM-dd}\"}}",
            Headers = [new("Authorization", "Bearer " + TestSettings.SendToken), new("x-functions-key", FunctionsHostEmulator.FunctionKey)],
        });
        Assert.True(sent.StatusCode == 200, sent.Body + "\n" + host.Output);
        using (var summary = JsonDocument.Parse(sent.Body))
        {
            Assert.Equal(Recipients.Length, summary.RootElement.GetProperty("sent").GetInt32());
        }

        Assert.Equal(0, twilio.PrismRefusals);
        Assert.True(twilio.ReleaseCallbacks() >= 2 * Recipients.Length);
        await twilio.WaitForCallbacksAsync(TimeSpan.FromSeconds(120));

        Assert.All(twilio.Callbacks, callback => Assert.True(callback.Answered && callback.Attempt == 1, $"{callback.Status}: {callback.Answer?.StatusCode} {callback.Answer?.Body}{callback.PostError}"));
        Assert.Contains(twilio.Callbacks, callback => callback.Duplicate);
        var ledger = app.GetRequiredService<IDeliveryLedger>();
        var items = (await ledger.ListAsync(Day)).ToDictionary(item => item.Phone, StringComparer.Ordinal);
        Assert.Equal(Recipients.Select(recipient => recipient.Phone), items.Keys.Order(StringComparer.Ordinal));
        foreach (var (phone, wrote, scripted) in Recipients)
        {
            var message = Assert.Single(twilio.Accepted, accepted => accepted.Phone == phone);
            var expected = message.ContentSid is null && !wrote ? LoopbackFate.Undelivered(LoopbackTwilio.OutsideWindowError) : scripted;
            Assert.Equal(expected, twilio.FateOf(message.Sid));
            var item = items[phone];
            Assert.Equal(message.Sid, item.MessageId);
            Assert.True(
                expected.LedgerStatus == item.DeliveryStatus && expected.ErrorCode == item.DeliveryErrorCode,
                $"{phone}: Twilio reported {expected}, the ledger holds {item.DeliveryStatus} {item.DeliveryErrorCode}");
        }

        var read = Assert.Single(twilio.Accepted, accepted => accepted.Phone == Recipients[0].Phone);
        var before = await ledger.GetAsync(Day, read.Phone);
        var forged = await poster.PostAsync(twilio.StatusCallbackPost(read, "failed", "30008", authToken: TestSettings.AuthToken + "-not"));
        Assert.Equal(403, forged.StatusCode);
        Assert.Equal(before, await ledger.GetAsync(Day, read.Phone));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => standIns.DeleteTablesAsync(_prefix);

    /// <summary>The app's own services on the same settings, to seed and read what the worker wrote to Azurite.</summary>
    private static ServiceProvider App(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        MitzvahFunctionsApp.ConfigureServices(services, configuration);
        return services.BuildServiceProvider();
    }
}
