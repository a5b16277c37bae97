using System.Globalization;
using Amazon.DynamoDBv2.Model;

namespace Mitzvah.DynamoDb;

/// <summary>Reads and writes the scalar attributes every table of the adapter uses, and pages its reads.</summary>
internal static class ItemValues
{
    public static AttributeValue NumberValue(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static string? Text(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.S is not null ? value.S : null;

    public static long? Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is not null
            ? long.Parse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : null;

    /// <summary>The key to continue a Query or Scan from, or <see langword="null"/> when it has returned everything.</summary>
    public static Dictionary<string, AttributeValue>? NextKey(Dictionary<string, AttributeValue>? lastEvaluatedKey) =>
        lastEvaluatedKey is { Count: > 0 } ? lastEvaluatedKey : null;
}
