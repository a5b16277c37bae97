using System.Reflection;
using System.Text.Json.Nodes;
using Mitzvah.Core;
using Mitzvah.Smtp;
using Mitzvah.TableStorage;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Azure.Tests;

/// <summary><c>local.settings.json.example</c> is complete, explained and starts the app as it stands.</summary>
public sealed class LocalSettingsExampleTests
{
    private static readonly JsonNode Example = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Mitzvah.Azure", "local.settings.json.example")))!;

    private static Dictionary<string, string?> Settings => Example["Values"]!.AsObject().ToDictionary(pair => pair.Key, pair => (string?)pair.Value!.GetValue<string>());

    public static TheoryData<string> AppSettings()
    {
        var names = typeof(SettingNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(SmtpSettingNames).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(field => (string)field.GetRawConstantValue()!)
            // DynamoDB, the CLI's outbox and the RECIPIENTS fallback do not apply to the Function app.
            .Except(["SUBSCRIBERS_TABLE", "CONSENT_HISTORY_TABLE", "DELIVERIES_TABLE", "MITZVAH_OUTBOX", "RECIPIENTS"])
            .Append(MitzvahFunctionsApp.DailyScheduleSetting)
            .Append(MitzvahFunctionsApp.ApplicationInsightsConnectionStringSetting);
        var data = new TheoryData<string>();
        foreach (var name in names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AppSettings))]
    public void Every_app_setting_is_listed_and_explained(string name)
    {
        Assert.True(Settings.ContainsKey(name), $"{name} is missing from Values.");
        Assert.False(string.IsNullOrWhiteSpace(Example["_notes"]![name]?.GetValue<string>()), $"{name} has no note.");
    }

    [Fact]
    public void The_functions_host_settings_are_local_defaults()
    {
        Assert.Equal("UseDevelopmentStorage=true", Settings["AzureWebJobsStorage"]);
        Assert.Equal("dotnet-isolated", Settings["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", Settings[TableStorageSettingNames.AzureTablesConnectionString]);
        Assert.Equal("0 */15 * * * *", Settings[MitzvahFunctionsApp.DailyScheduleSetting]);
    }

    [Fact]
    public async Task The_example_as_it_stands_starts_the_app()
    {
        await using var app = await FunctionAppHarness.StartAsync(Settings);

        await using var health = app.Activate<HttpFunction>();
        Assert.NotNull(health.Function);
    }

    [Fact]
    public void The_real_local_settings_file_is_not_committed()
    {
        var ignore = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".gitignore")).Select(line => line.Trim());

        Assert.Contains(ignore, line => line is "local.settings.json" or "src/Mitzvah.Azure/local.settings.json");
    }
}
