using System.Text.Json.Nodes;
using Mitzvah.Core.Consent;
using Mitzvah.DynamoDb;
using Mitzvah.Testing.Consent;
using Microsoft.Extensions.Options;

namespace Mitzvah.Aws.Tests;

/// <summary>Core's consent scenario table through the Lambda adapter (Function URL events, DynamoDB on dynalite).</summary>
[Collection(SharedAwsStandIns.Name)]
public sealed class LambdaConsentTests(AwsStandIns standIns) : ConsentHostContract
{
    protected override async Task<IConsentHost> StartHostAsync(HostSettings settings)
    {
        var environment = await standIns.NewEnvironmentAsync(settings);
        if (settings.Mail)
        {
            // The links in mails point at the function's public URL, as deployed.
            environment["PUBLIC_CONSENT_URL"] = LambdaConsentHost.ConsentUrl.ToString();
        }

        var handler = new ConsentHandler(AwsStandIns.Configuration(environment), standIns.UseDynalite());
        var store = new DynamoDbSubscriberStore(standIns.Client, Options.Create(new DynamoDbOptions
        {
            SubscribersTable = environment["SUBSCRIBERS_TABLE"]!,
            ConsentHistoryTable = environment["CONSENT_HISTORY_TABLE"]!,
            DeliveriesTable = environment["DELIVERIES_TABLE"]!,
        }));
        return new LambdaConsentHost(handler, store);
    }

    private sealed class LambdaConsentHost(ConsentHandler handler, ISubscriberStore store) : IConsentHost
    {
        private const string Host = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws";

        public static Uri ConsentUrl { get; } = new($"https://{Host}/api/consent");

        public Uri PublicUrl => ConsentUrl;

        public ISubscriberStore Store => store;

        public async Task<ScenarioResponse> SendAsync(ScenarioRequest request, IReadOnlyDictionary<string, string> extraHeaders)
        {
            var headers = new JsonObject { ["host"] = Host, ["x-forwarded-proto"] = "https" };
            if (request.ContentType is not null)
            {
                headers["content-type"] = request.ContentType;
            }

            foreach (var (name, value) in (request.Headers ?? new Dictionary<string, string>()).Concat(extraHeaders))
            {
                headers[name.ToLowerInvariant()] = value;
            }

            // Function URLs base64-encode bodies that are not text/JSON, as Twilio's form posts arrive.
            var base64 = request.ContentType is not null && !request.ContentType.StartsWith("application/json", StringComparison.Ordinal);
            var body = base64 ? Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(request.Body)) : request.Body;
            var query = request.Path.IndexOf('?', StringComparison.Ordinal);
            var (path, rawQuery) = query < 0 ? (request.Path, string.Empty) : (request.Path[..query], request.Path[(query + 1)..]);
            var @event = new JsonObject
            {
                ["version"] = "2.0",
                ["routeKey"] = "$default",
                ["rawPath"] = path,
                ["rawQueryString"] = rawQuery,
                ["headers"] = headers,
                ["requestContext"] = new JsonObject
                {
                    ["http"] = new JsonObject { ["method"] = request.Method, ["path"] = path, ["sourceIp"] = "203.0.113.7" },
                },
                ["body"] = body,
                ["isBase64Encoded"] = base64,
            };

            var response = await LambdaEvents.InvokeAsync(handler.Handle, @event.ToJsonString());
            return new ScenarioResponse(
                response.GetProperty("statusCode").GetInt32(),
                response.GetProperty("headers").GetProperty("content-type").GetString(),
                request.Method == "HEAD" ? string.Empty : response.GetProperty("body").GetString() ?? string.Empty,
                response.GetProperty("headers").TryGetProperty("retry-after", out var retry) ? retry.GetString() : null);
        }

        public ValueTask DisposeAsync()
        {
            handler.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
