namespace Mitzvah.DynamoDb;

/// <summary>What <see cref="DynamoDbOptedInBackfill.RunAsync"/> did.</summary>
/// <param name="Scanned">Items the scan examined, whatever their status.</param>
/// <param name="Updated">Opted-in items that this run put into the indexes: given <c>opted_in</c>, a next send time, or both.</param>
/// <param name="AlreadyIndexed">Opted-in items that already had both.</param>
public sealed record BackfillResult(long Scanned, long Updated, long AlreadyIndexed);
