using System.Reflection;
using System.Text.Json.Nodes;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Azure.Tests;

/// <summary>
/// The triggers as the Functions host learns them: from the worker's source-generated metadata provider (worker
/// indexing, what the host uses) and from the <c>functions.metadata</c> file the SDK writes into the build output.
/// </summary>
public sealed class FunctionMetadataTests
{
    public static TheoryData<string> Sources() => ["generated provider", "functions.metadata"];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Exactly_the_three_functions_are_declared(string source)
    {
        var functions = await LoadAsync(source);

        Assert.Equal(["DailyMitzvahTimer", "Http", "SendNow"], functions.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_timer_reads_its_schedule_from_the_setting_and_does_not_run_on_startup(string source)
    {
        var trigger = Trigger((await LoadAsync(source))["DailyMitzvahTimer"]);

        Assert.Equal("timerTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal("%DAILY_MITZVAH_SCHEDULE%", trigger["schedule"]!.GetValue<string>());
        Assert.False(trigger["runOnStartup"]!.GetValue<bool>());
        Assert.Equal($"%{MitzvahFunctionsApp.DailyScheduleSetting}%", trigger["schedule"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Every_other_route_is_one_anonymous_catch_all(string source)
    {
        var trigger = Trigger((await LoadAsync(source))["Http"]);

        AssertHttp(trigger, "Anonymous", "{*path}", ["delete", "get", "head", "patch", "post", "put"]);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task SendNow_needs_a_function_key_and_only_accepts_post(string source)
    {
        var trigger = Trigger((await LoadAsync(source))["SendNow"]);

        AssertHttp(trigger, "Function", "send", ["post"]);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Http_functions_answer_through_their_return_value(string source)
    {
        var functions = await LoadAsync(source);

        foreach (var name in new[] { "Http", "SendNow" })
        {
            Assert.Contains(functions[name], binding => binding["name"]!.GetValue<string>() == "$return" && binding["type"]!.GetValue<string>() == "http");
        }
    }

    [Fact]
    public void The_host_configuration_allows_a_ten_minute_run_and_serves_under_api()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Mitzvah.Azure", "host.json")))!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.True(TimeSpan.Parse(host["functionTimeout"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.FromMinutes(10));
        Assert.Equal("api", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        Assert.NotNull(host["logging"]!["logLevel"]);
    }

    private static JsonNode Trigger(IReadOnlyList<JsonNode> bindings) =>
        Assert.Single(bindings, binding => binding["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    private static void AssertHttp(JsonNode trigger, string authLevel, string route, string[] methods)
    {
        Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal(authLevel, trigger["authLevel"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal(methods, trigger["methods"]!.AsArray().Select(method => method!.GetValue<string>().ToLowerInvariant()).Order(StringComparer.Ordinal));
    }

    private static async Task<Dictionary<string, IReadOnlyList<JsonNode>>> LoadAsync(string source)
    {
        if (source == "generated provider")
        {
            var metadata = await new GeneratedFunctionMetadataProvider().GetFunctionMetadataAsync(AppContext.BaseDirectory);
            return metadata.ToDictionary(
                function => function.Name!,
                function => (IReadOnlyList<JsonNode>)[.. function.RawBindings!.Select(raw => JsonNode.Parse(raw)!)]);
        }

        return JsonNode.Parse(File.ReadAllText(MetadataFile()))!.AsArray().ToDictionary(
            function => function!["name"]!.GetValue<string>(),
            function => (IReadOnlyList<JsonNode>)[.. function!["bindings"]!.AsArray().Select(binding => binding!)]);
    }

    /// <summary>The file in the worker's own build output, of the configuration these tests were built in.</summary>
    private static string MetadataFile()
    {
        var configuration = typeof(FunctionMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryPaths.Root, "src", "Mitzvah.Azure", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Mitzvah.Azure first.");
        return path;
    }
}
