namespace Mitzvah.TableStorage;

/// <summary>Where the Azure Table Storage tables live and what they are called.</summary>
/// <remarks>
/// Set exactly one of <see cref="ConnectionString"/> (local development and Azurite) or <see cref="ServiceUri"/>
/// (production, authenticated with <c>DefaultAzureCredential</c>, i.e. the host's managed identity).
/// <see cref="TableStorageOptionsValidator"/> checks this.
/// </remarks>
public sealed class TableStorageOptions
{
    /// <summary>The prefix used when none is configured.</summary>
    public const string DefaultTablePrefix = "Mitzvah";

    /// <summary>Suffix of the subscribers table's name.</summary>
    public const string SubscribersTableSuffix = "Subscribers";

    /// <summary>Suffix of the consent history table's name.</summary>
    public const string ConsentHistoryTableSuffix = "ConsentHistory";

    /// <summary>Suffix of the delivery ledger table's name.</summary>
    public const string DeliveriesTableSuffix = "Deliveries";

    /// <summary>
    /// A storage connection string (<c>AZURE_TABLES_CONNECTION_STRING</c>), e.g. <c>UseDevelopmentStorage=true</c>; it
    /// may hold the account key, so it is never logged.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table service endpoint (<c>AZURE_TABLES_ENDPOINT</c>), e.g. <c>https://account.table.core.windows.net</c>.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>
    /// Prepended to the fixed table names (<c>AZURE_TABLES_PREFIX</c>): a letter, then up to 48 letters or digits,
    /// so that every table name stays within Azure's 63 characters.
    /// </summary>
    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>The subscribers table: <see cref="TablePrefix"/> + "Subscribers".</summary>
    public string SubscribersTableName => TablePrefix + SubscribersTableSuffix;

    /// <summary>The consent history table: <see cref="TablePrefix"/> + "ConsentHistory".</summary>
    public string ConsentHistoryTableName => TablePrefix + ConsentHistoryTableSuffix;

    /// <summary>The delivery ledger table: <see cref="TablePrefix"/> + "Deliveries".</summary>
    public string DeliveriesTableName => TablePrefix + DeliveriesTableSuffix;
}
