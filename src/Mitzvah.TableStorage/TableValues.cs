using System.Net;
using Azure;
using Azure.Data.Tables;

namespace Mitzvah.TableStorage;

/// <summary>How values are stored in entities, shared by the store and the ledger.</summary>
internal static class TableValues
{
    /// <summary>
    /// The schema version every ledger entity this code writes carries in <see cref="SchemaVersionProperty"/>. 1:
    /// entities without it, written before it existed; 2: subscriber entities may carry delivery preferences. Entities
    /// of an earlier version read with what they lack defaulted; entities of a later version are refused.
    /// </summary>
    public const int SchemaVersion = 2;

    /// <summary>
    /// The schema version of the subscribers and consent history tables: 3, subscriber entities carry
    /// <c>NextSendAt</c> and the subscribers partition holds due index entities beside them; 4, subscribers may be keyed
    /// by an email key and carry the email state and the channel choice. The ledger stays at <see cref="SchemaVersion"/>:
    /// it gained values (email keys and forms), no properties a replace could drop.
    /// </summary>
    public const int SubscriberSchemaVersion = 4;

    public const string SchemaVersionProperty = "SchemaVersion";

    /// <summary>Throws unless <paramref name="entity"/> is of <paramref name="knownVersion"/> or earlier.</summary>
    /// <exception cref="InvalidOperationException">The entity was written by newer code; a replace would drop what it holds.</exception>
    public static void ThrowIfNewer(TableEntity entity, string kind, int knownVersion = SchemaVersion)
    {
        var version = entity.GetInt32(SchemaVersionProperty) ?? 1;
        if (version > knownVersion)
        {
            throw new InvalidOperationException(
                $"A {kind} entity has schema version {version}, but this version of Mitzvah knows versions up to {knownVersion}. "
                + "It was written by a newer Mitzvah, which must serve these tables.");
        }
    }

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
