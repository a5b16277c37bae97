using Mitzvah.Core;

namespace Mitzvah.DynamoDb;

/// <summary>The DynamoDB tables the adapter uses, bound from the flat settings of <see cref="SettingNames"/>.</summary>
/// <remarks>All three are required when the adapter is used; <see cref="DynamoDbOptionsValidator"/> checks them.</remarks>
public sealed class DynamoDbOptions
{
    /// <summary>The subscribers table (<c>SUBSCRIBERS_TABLE</c>): HASH <c>phone</c>, sparse GSI <c>opted-in-index</c>.</summary>
    public string SubscribersTable { get; set; } = string.Empty;

    /// <summary>The consent history table (<c>CONSENT_HISTORY_TABLE</c>): HASH <c>phone</c>, RANGE <c>version</c> (N).</summary>
    public string ConsentHistoryTable { get; set; } = string.Empty;

    /// <summary>The delivery ledger table (<c>DELIVERIES_TABLE</c>): HASH <c>study_date</c>, RANGE <c>phone</c>.</summary>
    public string DeliveriesTable { get; set; } = string.Empty;
}
