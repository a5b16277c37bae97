using Microsoft.Data.Sqlite;
using Mitzvah.Core.Consent;
using Mitzvah.Sqlite;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Bench;

/// <summary>Writes the planned subscribers before the simulated day; not part of what is measured.</summary>
internal static class TickSeeding
{
    /// <summary>When every subscriber opted in: the day before.</summary>
    private static readonly TimeSpan JoinedBefore = TimeSpan.FromDays(1);

    /// <summary>
    /// Through the store, <paramref name="parallelism"/> subscribers at a time: opt in with the preferences, then move
    /// <c>NextSendAt</c> to the planned moment.
    /// </summary>
    public static async Task ThroughStoreAsync(ISubscriberStore store, IEnumerable<PlannedSubscriber> subscribers, int parallelism, CancellationToken cancellationToken = default)
    {
        await Parallel.ForEachAsync(
            subscribers,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (subscriber, ct) => await WriteAsync(store, subscriber, ct).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// The SQLite bulk path. One subscriber of each (zone, send time) is written through the store; every other is a
    /// copy of its row and history entry under its own phone, all in one transaction. The rows are then exactly what
    /// the store writes, at a fraction of 100 000 separate transactions.
    /// </summary>
    public static async Task SqliteBulkAsync(string databasePath, IReadOnlyList<PlannedSubscriber> subscribers, CancellationToken cancellationToken = default)
    {
        var store = new SqliteSubscriberStore(new SqliteStoreOptions { DatabasePath = databasePath });
        var templates = new Dictionary<DeliveryPreferences, string>();
        var copies = new List<(string Phone, string Template)>(subscribers.Count);
        foreach (var subscriber in subscribers)
        {
            if (templates.TryGetValue(subscriber.Preferences, out var template))
            {
                copies.Add((subscriber.Phone, template));
                continue;
            }

            templates.Add(subscriber.Preferences, subscriber.Phone);
            await WriteAsync(store, subscriber, cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var subscriberCopy = CopyCommand(connection, "subscribers");
            using var historyCopy = CopyCommand(connection, "consent_history");
            using var transaction = connection.BeginTransaction();
            subscriberCopy.Transaction = transaction;
            historyCopy.Transaction = transaction;
            foreach (var (phone, template) in copies)
            {
                foreach (var command in new[] { subscriberCopy, historyCopy })
                {
                    command.Parameters["@phone"].Value = phone;
                    command.Parameters["@template"].Value = template;
                    if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                    {
                        throw new InvalidOperationException($"Copying {template} to {phone} did not write one row.");
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(ISubscriberStore store, PlannedSubscriber subscriber, CancellationToken cancellationToken)
    {
        var change = ConsentChangeBuilder.OptIn(subscriber.Phone).ViaWebForm("v1", "203.0.113.7", "mitzvah-bench").At(subscriber.Moment - JoinedBefore).Build()
            with { Preferences = subscriber.Preferences };
        var result = await store.RecordConsentAsync(change, cancellationToken).ConfigureAwait(false);
        if (!await store.SetNextSendAtAsync(subscriber.Phone, result.Subscriber.NextSendAt, subscriber.Moment, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Could not schedule {subscriber.Phone}.");
        }
    }

    /// <summary>INSERT … SELECT of one row of <paramref name="table"/> with the phone replaced, from the table's own columns.</summary>
    private static SqliteCommand CopyCommand(SqliteConnection connection, string table)
    {
        var columns = new List<string>();
        using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}');";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        var values = columns.Select(column => column == "phone" ? "@phone" : column);
        var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) SELECT {string.Join(", ", values)} FROM {table} WHERE phone = @template;";
        command.Parameters.Add("@phone", SqliteType.Text);
        command.Parameters.Add("@template", SqliteType.Text);
        return command;
    }
}
