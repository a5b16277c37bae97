using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Mitzvah.DynamoDb;

/// <summary>
/// Checks that every table of <see cref="DynamoDbOptions"/> is set to a valid DynamoDB table name; failures name the
/// environment variable to set.
/// </summary>
/// <remarks>
/// The registration validates all three tables on start. Each store also checks, when it is created, the tables it
/// uses itself, so that a store built by hand fails early with the same messages.
/// </remarks>
public sealed partial class DynamoDbOptionsValidator : IValidateOptions<DynamoDbOptions>
{
    /// <summary>Which tables to check.</summary>
    [Flags]
    internal enum Tables
    {
        Subscribers = 1,
        ConsentHistory = 2,
        Deliveries = 4,
        All = Subscribers | ConsentHistory | Deliveries,
    }

    /// <summary>Validates <paramref name="options"/>; every problem is reported, not only the first.</summary>
    public ValidateOptionsResult Validate(string? name, DynamoDbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = Check(options, Tables.All);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> unless <paramref name="options"/> is valid.</summary>
    /// <remarks>For hosts without a generic host (a Lambda cold start), where <c>ValidateOnStart</c> does not run.</remarks>
    public static void ThrowIfInvalid(DynamoDbOptions options) => ThrowIfInvalid(options, Tables.All);

    internal static void ThrowIfInvalid(DynamoDbOptions options, Tables tables)
    {
        ArgumentNullException.ThrowIfNull(options);

        var failures = Check(options, tables);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(DynamoDbOptions), failures);
        }
    }

    private static List<string> Check(DynamoDbOptions options, Tables tables)
    {
        var failures = new List<string>();
        if (tables.HasFlag(Tables.Subscribers))
        {
            Check(failures, DynamoDbSettingNames.SubscribersTable, "subscribers", options.SubscribersTable);
        }

        if (tables.HasFlag(Tables.ConsentHistory))
        {
            Check(failures, DynamoDbSettingNames.ConsentHistoryTable, "consent history", options.ConsentHistoryTable);
        }

        if (tables.HasFlag(Tables.Deliveries))
        {
            Check(failures, DynamoDbSettingNames.DeliveriesTable, "delivery ledger", options.DeliveriesTable);
        }

        return failures;
    }

    private static void Check(List<string> failures, string variable, string what, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{variable} is required: set it to the name of the DynamoDB {what} table.");
        }
        else if (!TableName().IsMatch(value))
        {
            failures.Add($"{variable} '{value}' is not a DynamoDB table name (3-255 characters: letters, digits, '_', '-', '.').");
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{3,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();
}
