using System.Net;
using Azure;
using Azure.Data.Tables;
using Mitzvah.Core.Limits;

namespace Mitzvah.TableStorage;

/// <summary>Fixed-window request counters in the deliveries table, shared by every instance of the Function app.</summary>
/// <remarks>
/// One entity per (scope, client, window): PartitionKey <c>limit-{scope}-{window start}</c> (a partition no study date
/// can collide with: the ledger's are dates) and RowKey the client. Admitting reads the counter with its ETag and
/// writes count + 1 (insert-only for the first, <c>If-Match</c> after), so of concurrent callers each admitted one
/// moved the count by exactly one; losers (409 or 412) read again. A client's counter of the window before is deleted
/// when its next one is created, so counters do not pile up.
/// </remarks>
public sealed class TableStorageRateLimiter : IRateLimiter
{
    private const string Count = "Count";
    private const int MaxAttempts = 100;

    private readonly TableClient _table;
    private readonly TableProvisioner _provisioner;

    /// <summary>Creates a limiter on the deliveries table named with <paramref name="tablePrefix"/>. It is created on first use.</summary>
    /// <exception cref="ArgumentException">The prefix does not make a valid table name.</exception>
    public TableStorageRateLimiter(TableServiceClient serviceClient, string tablePrefix = TableStorageOptions.DefaultTablePrefix)
    {
        ArgumentNullException.ThrowIfNull(serviceClient);
        var names = new TableStorageOptions { TablePrefix = TableNames.ThrowIfInvalidPrefix(tablePrefix, nameof(tablePrefix)) };
        _table = serviceClient.GetTableClient(names.DeliveriesTableName);
        _provisioner = new TableProvisioner(_table);
    }

    /// <inheritdoc />
    public async Task<RateLimitDecision> TryAcquireAsync(string scope, string client, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        RateWindow.ThrowIfInvalid(scope, client, limit, window);
        var current = RateWindow.Of(now, window);
        var partition = $"limit-{scope}-{current.StartText}";
        await _provisioner.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);

        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(partition, client, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!found.HasValue)
                {
                    await _table.AddEntityAsync(new TableEntity(partition, client) { [Count] = 1 }, cancellationToken).ConfigureAwait(false);
                    await DeletePreviousAsync(scope, client, current.Start - window, cancellationToken).ConfigureAwait(false);
                    return RateLimitDecision.Admitted;
                }

                var entity = found.Value!;
                var count = entity.GetInt32(Count) ?? 0;
                if (count >= limit)
                {
                    return current.Refused(now);
                }

                entity[Count] = count + 1;
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return RateLimitDecision.Admitted;
            }
            catch (RequestFailedException exception) when (TableValues.IsLostRace(exception) || exception.Status == (int)HttpStatusCode.NotFound)
            {
                // Another caller moved the counter first: read it again.
            }
        }

        throw new InvalidOperationException($"The rate counter lost {MaxAttempts} races in a row.");
    }

    private async Task DeletePreviousAsync(string scope, string client, DateTimeOffset previousStart, CancellationToken cancellationToken)
    {
        var partition = $"limit-{scope}-{previousStart.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        try
        {
            await _table.DeleteEntityAsync(partition, client, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == (int)HttpStatusCode.NotFound)
        {
            // Never counted in that window.
        }
    }
}
