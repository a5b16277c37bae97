using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Mitzvah.TableStorage;

/// <summary>How values are stored in entities, shared by the store and the ledger.</summary>
internal static class TableValues
{
    /// <summary>UTC, with the fraction below a millisecond dropped, as every store keeps timestamps.</summary>
    public static DateTimeOffset ToUtcMilliseconds(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static string RequiredString(TableEntity entity, string name) =>
        entity.GetString(name) ?? throw Corrupt(name);

    public static DateTimeOffset RequiredTimestamp(TableEntity entity, string name) =>
        (entity.GetDateTimeOffset(name) ?? throw Corrupt(name)).ToUniversalTime();

    public static long RequiredInt64(TableEntity entity, string name) =>
        entity.GetInt64(name) ?? throw Corrupt(name);

    public static int RequiredInt32(TableEntity entity, string name) =>
        entity.GetInt32(name) ?? throw Corrupt(name);

    public static bool RequiredBoolean(TableEntity entity, string name) =>
        entity.GetBoolean(name) ?? throw Corrupt(name);

    /// <summary>Another writer got there first: an insert found the key taken (409) or an ETag no longer matched (412).</summary>
    public static bool IsLostRace(RequestFailedException exception) =>
        exception.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed;

    private static InvalidDataException Corrupt(string name) =>
        new($"A stored entity lacks a valid '{name}' property.");
}
