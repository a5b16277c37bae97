using Amazon.DynamoDBv2.Model;
using Mitzvah.Core;

namespace Mitzvah.DynamoDb;

/// <summary>
/// The schema version every item of the adapter carries in <c>schema_version</c>, so that a reader knows the shape it
/// was written in.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>1: items without <c>schema_version</c>: those written before it existed, the original deployment's included.</item>
/// <item>2: subscriber items may carry the delivery preferences <c>time_zone</c>, <c>send_time</c>, <c>calendar</c>
/// and <c>paused_until</c>; every write sets <c>schema_version</c>.</item>
/// <item>3: subscribers may be keyed by an email key (<see cref="Mitzvah.Core.Consent.AddressKey"/>) and carry the email
/// state (<c>email</c>, <c>email_confirmed_at</c>, <c>email_undeliverable_at</c>) and the channel choice
/// <c>delivery_channel</c>; ledger items may be keyed by an email key and have the email message forms. Earlier code
/// would send such subscribers WhatsApp messages, so it must not read them.</item>
/// </list>
/// Items of an earlier version are read with the attributes they lack defaulted, and take the current version at
/// their next write. Items of a later version were written by newer code: reading one throws, and every conditional
/// write requires the item not to be newer, so that this code never drops or misreads what it does not know.
/// </remarks>
internal static class ItemSchema
{
    public const int CurrentVersion = 3;

    /// <summary>Names <see cref="AttributeNames.SchemaVersion"/> in expressions.</summary>
    public const string Name = "#schema";

    /// <summary>Holds <see cref="CurrentVersion"/> in expressions.</summary>
    public const string Value = ":schema";

    /// <summary>The condition that the item is not of a later schema version than this code's.</summary>
    public const string NotNewer = $"(attribute_not_exists({Name}) OR {Name} <= {Value})";

    public static AttributeValue CurrentValue => ItemValues.NumberValue(CurrentVersion);

    /// <summary>Throws unless <paramref name="item"/> is of <see cref="CurrentVersion"/> or earlier.</summary>
    /// <exception cref="InvalidOperationException">The item was written by newer code.</exception>
    public static void ThrowIfNewer(Dictionary<string, AttributeValue> item, string kind, string phone)
    {
        var version = ItemValues.Number(item, AttributeNames.SchemaVersion) ?? 1;
        if (version > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The {kind} item of {PhoneMask.Mask(phone)} has schema version {version}, but this version of Mitzvah knows versions up to {CurrentVersion}. "
                + "It was written by a newer Mitzvah, which must serve this table.");
        }
    }
}
