namespace Mitzvah.DynamoDb;

/// <summary>What <see cref="DynamoDbOptedInBackfill.RunAsync"/> did.</summary>
/// <param name="Scanned">Items the scan examined, whatever their status.</param>
/// <param name="Updated">Opted-in items that were given the index attribute by this run.</param>
/// <param name="AlreadyIndexed">Opted-in items that already had it.</param>
public sealed record BackfillResult(long Scanned, long Updated, long AlreadyIndexed);
