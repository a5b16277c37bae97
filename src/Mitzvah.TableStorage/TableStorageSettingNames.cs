namespace Mitzvah.TableStorage;

/// <summary>The Table Storage adapter's environment-variable names.</summary>
public static class TableStorageSettingNames
{
    /// <summary>Azure Table Storage connection string (local and Azurite, e.g. <c>UseDevelopmentStorage=true</c>); excludes <see cref="AzureTablesEndpoint"/>.</summary>
    public const string AzureTablesConnectionString = "AZURE_TABLES_CONNECTION_STRING";

    /// <summary>Azure Table Storage service URL, reached with the managed identity; excludes <see cref="AzureTablesConnectionString"/>.</summary>
    public const string AzureTablesEndpoint = "AZURE_TABLES_ENDPOINT";

    /// <summary>Prefix of the Azure table names (<c>{prefix}Subscribers</c>, …), default <c>Mitzvah</c>.</summary>
    public const string AzureTablesPrefix = "AZURE_TABLES_PREFIX";
}
