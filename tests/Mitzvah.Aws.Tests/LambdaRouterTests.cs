using System.Text.Json;
using System.Text.Json.Nodes;
using Mitzvah.Core;
using Mitzvah.Core.Endpoints;
using Mitzvah.Testing.Endpoints;

namespace Mitzvah.Aws.Tests;

/// <summary>The consent Function URL hands every path to Core's router; its root is the consent endpoint.</summary>
[Collection(SharedAwsStandIns.Name)]
public sealed class LambdaRouterTests(AwsStandIns standIns)
{
    private const string Host = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws";

    [Fact]
    public async Task A_route_registered_only_in_the_container_is_served_with_what_the_event_carried()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var handler = Handler(environment);

        var echo = await EchoAsync(handler);

        Assert.Equal("POST", echo.GetProperty("method").GetString());
        Assert.Equal(EchoRoute.Path, echo.GetProperty("path").GetString());
        Assert.Equal("x=1", echo.GetProperty("query").GetString());
        Assert.Equal("hello", echo.GetProperty("body").GetString());
        Assert.Equal("203.0.113.7", echo.GetProperty("clientAddress").GetString());
        Assert.Equal($"https://{Host}{EchoRoute.Path}?x=1", echo.GetProperty("publicUrl").GetString());
    }

    [Fact]
    public async Task With_a_public_consent_url_other_routes_are_signed_over_its_origin()
    {
        var environment = await standIns.NewEnvironmentAsync();
        environment[SettingNames.PublicConsentUrl] = "https://mitzvah.example.org/api/consent";
        using var handler = Handler(environment);

        var echo = await EchoAsync(handler);

        Assert.Equal($"https://mitzvah.example.org{EchoRoute.Path}?x=1", echo.GetProperty("publicUrl").GetString());
    }

    [Fact]
    public async Task A_get_of_the_url_root_is_the_opt_in_page_a_post_to_it_the_consent_endpoint_and_an_unknown_path_is_404()
    {
        var environment = await standIns.NewEnvironmentAsync();
        using var handler = Handler(environment);

        var page = await InvokeAsync(handler, "GET", "/", string.Empty, string.Empty);
        var post = await InvokeAsync(handler, "POST", "/", string.Empty, """{"consent":true}""", new JsonObject { ["content-type"] = "application/json" });
        var health = await InvokeAsync(handler, "GET", RoutePaths.Consent, string.Empty, string.Empty);
        var unknown = await InvokeAsync(handler, "GET", "/nothing-here", string.Empty, string.Empty);

        Assert.Equal(200, page.GetProperty("statusCode").GetInt32());
        Assert.StartsWith("text/html", page.GetProperty("headers").GetProperty("content-type").GetString(), StringComparison.Ordinal);
        Assert.Contains("config.json", page.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, post.GetProperty("statusCode").GetInt32());
        Assert.Contains("enter your phone number", post.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"status\":\"ok\"", health.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, unknown.GetProperty("statusCode").GetInt32());
        Assert.Contains(RoutePaths.Consent, unknown.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    private ConsentHandler Handler(Dictionary<string, string?> environment) =>
        new(AwsStandIns.Configuration(environment), services =>
        {
            standIns.UseDynalite()(services);
            services.AddMitzvahRoute<EchoRoute>();
        });

    private static async Task<JsonElement> EchoAsync(ConsentHandler handler)
    {
        var response = await InvokeAsync(handler, "POST", EchoRoute.Path, "x=1", "hello", new JsonObject { ["x-forwarded-for"] = "203.0.113.7" });
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        return JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement.Clone();
    }

    private static Task<JsonElement> InvokeAsync(ConsentHandler handler, string method, string path, string query, string body, JsonObject? extraHeaders = null)
    {
        var headers = new JsonObject { ["host"] = Host, ["content-type"] = "text/plain" };
        foreach (var (name, value) in extraHeaders ?? new JsonObject())
        {
            headers[name] = value?.DeepClone();
        }

        var @event = new JsonObject
        {
            ["version"] = "2.0",
            ["rawPath"] = path,
            ["rawQueryString"] = query,
            ["headers"] = headers,
            ["requestContext"] = new JsonObject { ["http"] = new JsonObject { ["method"] = method, ["path"] = path, ["sourceIp"] = "198.51.100.1" } },
            ["body"] = body,
            ["isBase64Encoded"] = false,
        };
        return LambdaEvents.InvokeAsync(handler.Handle, @event.ToJsonString());
    }
}
