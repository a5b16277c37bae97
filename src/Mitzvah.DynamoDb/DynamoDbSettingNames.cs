namespace Mitzvah.DynamoDb;

/// <summary>The DynamoDB adapter's environment-variable names (<c>SUBSCRIBERS_TABLE</c> is the original deployment's).</summary>
public static class DynamoDbSettingNames
{
    /// <summary>DynamoDB subscribers table name.</summary>
    public const string SubscribersTable = "SUBSCRIBERS_TABLE";

    /// <summary>DynamoDB consent history table name (key: phone, version).</summary>
    public const string ConsentHistoryTable = "CONSENT_HISTORY_TABLE";

    /// <summary>DynamoDB delivery ledger table name (key: study_date, phone).</summary>
    public const string DeliveriesTable = "DELIVERIES_TABLE";
}
