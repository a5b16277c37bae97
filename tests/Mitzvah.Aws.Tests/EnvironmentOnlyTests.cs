using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.DynamoDb;
using Microsoft.Extensions.Options;

namespace Mitzvah.Aws.Tests;

/// <summary>
/// The handlers exactly as Lambda creates them (parameterless constructors), pointed at dynalite and Prism through
/// environment variables only. The variables are process-wide, so this runs inside the serialised stand-in collection.
/// </summary>
[Collection(SharedAwsStandIns.Name)]
public sealed class EnvironmentOnlyTests(AwsStandIns standIns)
{
    [Fact]
    public async Task A_signed_webhook_subscribes_and_two_scheduler_invocations_deliver_exactly_one_message()
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = standIns.DynamoDbUrl.ToString();
        environment["AWS_ACCESS_KEY_ID"] = "local";
        environment["AWS_SECRET_ACCESS_KEY"] = "local";
        environment["AWS_REGION"] = "us-east-1";
        var saved = environment.Keys.ToDictionary(name => name, Environment.GetEnvironmentVariable);
        try
        {
            foreach (var (name, value) in environment)
            {
                Environment.SetEnvironmentVariable(name, value);
            }

            using (var consent = new ConsentHandler())
            {
                var reply = await LambdaEvents.InvokeAsync(consent.Handle, LambdaEvents.Read("consent-form-post-signed.json"));
                Assert.Equal(200, reply.GetProperty("statusCode").GetInt32());
            }

            // Two cold starts, as when EventBridge Scheduler retries the invocation on another instance.
            var summaries = new List<System.Text.Json.JsonElement>();
            for (var invocation = 0; invocation < 2; invocation++)
            {
                using var bot = new DailyMitzvahBot();
                summaries.Add(await LambdaEvents.InvokeAsync(bot.Handle, LambdaEvents.Read("scheduler.json")));
            }

            Assert.Equal(1, summaries[0].GetProperty("sent").GetInt32());
            Assert.Equal(0, summaries[1].GetProperty("sent").GetInt32());
            Assert.Equal(1, summaries[1].GetProperty("alreadySent").GetInt32());
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        var tables = new DynamoDbOptions
        {
            SubscribersTable = environment["SUBSCRIBERS_TABLE"]!,
            ConsentHistoryTable = environment["CONSENT_HISTORY_TABLE"]!,
            DeliveriesTable = environment["DELIVERIES_TABLE"]!,
        };
        var subscriber = await new DynamoDbSubscriberStore(standIns.Client, Options.Create(tables)).GetAsync("+14155552671");
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        var delivery = Assert.Single(await new DynamoDbDeliveryLedger(standIns.Client, tables).ListAsync(new DateOnly(2026, 11, 25)));
        Assert.Equal("+14155552671", delivery.Phone);
        Assert.Equal(DeliveryState.Sent, delivery.State);
        Assert.Equal(1, delivery.Attempts);
    }
}
