namespace Mitzvah.Testing.StandIns;

/// <summary>How each stand-in is started, and the variable CI uses to share one running instance.</summary>
public static class StandInServers
{
    /// <summary>DynamoDB API (dynalite), in memory.</summary>
    public static Task<NodeServer> StartDynaliteAsync() => NodeServer.StartAsync(
        "MITZVAH_TEST_DYNAMODB_URL",
        "dynalite/cli.js",
        ["--host", "127.0.0.1", "--port", "{port}", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
        TimeSpan.FromSeconds(30));

    /// <summary>Azure Table Storage (Azurite), in memory, without telemetry.</summary>
    public static Task<NodeServer> StartAzuriteTablesAsync() => NodeServer.StartAsync(
        "MITZVAH_TEST_AZURITE_TABLE_URL",
        "azurite/dist/src/table/main.js",
        ["--silent", "--disableTelemetry", "--inMemoryPersistence", "--tableHost", "127.0.0.1", "--tablePort", "{port}"],
        TimeSpan.FromSeconds(30));

    /// <summary>Twilio's REST API as described by Twilio's own OpenAPI document (Prism mock).</summary>
    public static Task<NodeServer> StartPrismAsync() => NodeServer.StartAsync(
        "MITZVAH_TEST_PRISM_URL",
        "@stoplight/prism-cli/dist/index.js",
        ["mock", "-h", "127.0.0.1", "-p", "{port}", RepositoryPaths.TwilioApiSpec],
        TimeSpan.FromSeconds(90));
}
