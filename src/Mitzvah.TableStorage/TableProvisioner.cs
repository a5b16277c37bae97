using Azure.Data.Tables;

namespace Mitzvah.TableStorage;

/// <summary>Creates a store's tables once per instance, on first use, so that a fresh storage account works.</summary>
/// <remarks>
/// Concurrent first callers share one creation; a failed or cancelled creation is retried by the next caller rather
/// than remembered. The creation itself ignores callers' cancellation, which only stops their wait. A table this
/// instance created (not one that existed) is handed to the optional initializer before any caller goes on.
/// </remarks>
internal sealed class TableProvisioner
{
    private readonly TableClient[] _tables;
    private readonly Func<TableClient, Task>? _initializeCreated;
    private readonly Lock _lock = new();
    private Task? _creation;

    public TableProvisioner(params TableClient[] tables)
    {
        _tables = tables;
    }

    public TableProvisioner(Func<TableClient, Task> initializeCreated, params TableClient[] tables)
    {
        _initializeCreated = initializeCreated;
        _tables = tables;
    }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        Task creation;
        lock (_lock)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                _creation = CreateAsync();
            }

            creation = _creation;
        }

        return creation.IsCompletedSuccessfully ? Task.CompletedTask : creation.WaitAsync(cancellationToken);
    }

    private async Task CreateAsync()
    {
        foreach (var table in _tables)
        {
            var response = await table.CreateIfNotExistsAsync(CancellationToken.None).ConfigureAwait(false);
            if (_initializeCreated is not null && response?.GetRawResponse().Status is 201 or 204)
            {
                await _initializeCreated(table).ConfigureAwait(false);
            }
        }
    }
}
