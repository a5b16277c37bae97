using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Mitzvah.Core;
using Mitzvah.Core.Consent;

namespace Mitzvah.DynamoDb;

/// <summary>
/// Maps subscriber and consent history items to Core types. Reading is tolerant of items the original Python
/// deployment wrote (no <c>version</c>, <c>created_at</c> or <c>purpose</c>; evidence as free text or a map) and of
/// items of every earlier schema version (<see cref="ItemSchema"/>).
/// </summary>
internal static class SubscriberItems
{
    /// <exception cref="InvalidOperationException">The item is of a later schema version (<see cref="ItemSchema"/>).</exception>
    public static Subscriber ReadSubscriber(Dictionary<string, AttributeValue> item)
    {
        var phone = ItemValues.Text(item, AttributeNames.Phone) ?? throw new FormatException("A subscriber item has no phone.");
        ItemSchema.ThrowIfNewer(item, "subscriber", phone);
        var updatedAt = Instant(item, AttributeNames.TimestampIso) ?? Instant(item, AttributeNames.CreatedAt) ?? DateTimeOffset.UnixEpoch;
        var email = ReadEmail(item);
        return new Subscriber
        {
            Phone = phone,
            Addresses = SubscriberAddresses.ForKey(phone, email.Address),
            Channel = ItemValues.Text(item, AttributeNames.Channel) ?? AddressKey.ConsentChannelOf(phone),
            Status = ReadStatus(item, phone),
            Purpose = ItemValues.Text(item, AttributeNames.Purpose) ?? ConsentNames.DailyMitzvotPurpose,
            Source = ReadSource(ItemValues.Text(item, AttributeNames.Source)),
            Evidence = ReadEvidence(item.GetValueOrDefault(AttributeNames.Evidence)),
            CreatedAt = Instant(item, AttributeNames.CreatedAt) ?? updatedAt,
            UpdatedAt = updatedAt,
            Version = ItemValues.Number(item, AttributeNames.Version) ?? 0,
            Preferences = ReadPreferences(item),
            LastInboundAt = Instant(item, AttributeNames.LastInboundAt),
            UnreachableSince = Instant(item, AttributeNames.UnreachableSince),
            UnreachableErrorCode = ItemValues.Text(item, AttributeNames.UnreachableErrorCode),
            NextSendAt = ItemValues.Number(item, AttributeNames.NextSendAt) is { } next ? DateTimeOffset.FromUnixTimeMilliseconds(next) : null,
            EmailConfirmedAt = email.ConfirmedAt,
            EmailUndeliverableAt = email.UndeliverableAt,
        };
    }

    /// <summary>
    /// Optional attributes (<see cref="PreferenceAttributes"/>, <see cref="EmailAttributes"/>) as <c>SET</c> (names
    /// and values) and <c>REMOVE</c> (names) parts of an update expression: an unset one is removed, so that it reads
    /// as absent (for a preference, the operator's default).
    /// </summary>
    public static (List<string> Set, List<string> Remove) WriteOptional(
        IEnumerable<(string Attribute, string? Text)> attributes, Dictionary<string, string> names, Dictionary<string, AttributeValue> values)
    {
        var set = new List<string>();
        var remove = new List<string>();
        foreach (var (attribute, text) in attributes)
        {
            // Attribute names are lower-case words joined by '_': without it they make unique placeholders.
            var placeholder = attribute.Replace("_", string.Empty, StringComparison.Ordinal);
            var name = "#" + placeholder;
            names[name] = attribute;
            if (text is null)
            {
                remove.Add(name);
            }
            else
            {
                values[":" + placeholder] = new AttributeValue { S = text };
                set.Add($"{name} = :{placeholder}");
            }
        }

        return (set, remove);
    }

    /// <summary>The preference attributes, <see langword="null"/> for a preference not chosen.</summary>
    public static (string Attribute, string? Text)[] PreferenceAttributes(DeliveryPreferences preferences) =>
    [
        (AttributeNames.TimeZone, preferences.TimeZone),
        (AttributeNames.SendTime, preferences.SendTime is { } time ? PreferenceNames.FormatSendTime(time) : null),
        (AttributeNames.Calendar, preferences.Calendar?.ToName()),
        (AttributeNames.PausedUntil, preferences.PausedUntil is { } paused ? PreferenceNames.FormatDate(paused) : null),
        (AttributeNames.DeliveryChannel, preferences.Channel?.ToName()),
    ];

    /// <summary>The email attributes, <see langword="null"/> where the state has none.</summary>
    public static (string Attribute, string? Text)[] EmailAttributes(StoredEmail email) =>
    [
        (AttributeNames.Email, email.Address),
        (AttributeNames.EmailConfirmedAt, email.ConfirmedAt is { } confirmed ? Timestamps.ToText(confirmed) : null),
        (AttributeNames.EmailUndeliverableAt, email.UndeliverableAt is { } refused ? Timestamps.ToText(refused) : null),
    ];

    /// <exception cref="InvalidOperationException">The item is of a later schema version (<see cref="ItemSchema"/>).</exception>
    public static ConsentHistoryEntry ReadHistoryEntry(Dictionary<string, AttributeValue> item)
    {
        var phone = ItemValues.Text(item, AttributeNames.Phone) ?? throw new FormatException("A consent history item has no phone.");
        ItemSchema.ThrowIfNewer(item, "consent history", phone);
        return new ConsentHistoryEntry(
            phone,
            ItemValues.Number(item, AttributeNames.Version) ?? throw new FormatException($"A consent history item of {PhoneMask.Mask(phone)} has no version."),
            ReadStatus(item, phone),
            ReadSource(ItemValues.Text(item, AttributeNames.Source)),
            ReadEvidence(item.GetValueOrDefault(AttributeNames.Evidence)),
            Instant(item, AttributeNames.TimestampIso) ?? DateTimeOffset.UnixEpoch);
    }

    /// <summary>
    /// The history item of <paramref name="entry"/>; with <paramref name="preferences"/> (a preference or email change,
    /// or the first entry of a new number) it also carries the preferences the entry sets, and with
    /// <paramref name="email"/> (an email change) the email state, under the subscriber's attribute names, so that
    /// whoever completes the entry writes them (<see cref="ReadPreferences"/> and <see cref="ReadEmail"/> read them back).
    /// </summary>
    public static Dictionary<string, AttributeValue> WriteHistoryEntry(ConsentHistoryEntry entry, DeliveryPreferences? preferences, StoredEmail? email)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [AttributeNames.Phone] = new AttributeValue { S = entry.Phone },
            [AttributeNames.Version] = ItemValues.NumberValue(entry.Version),
            [AttributeNames.ConsentStatus] = new AttributeValue { S = entry.Status.ToName() },
            [AttributeNames.Source] = new AttributeValue { S = entry.Source.ToName() },
            [AttributeNames.Evidence] = new AttributeValue { S = entry.Evidence.ToJson() },
            [AttributeNames.TimestampIso] = new AttributeValue { S = Timestamps.ToText(entry.RecordedAt) },
            [AttributeNames.SchemaVersion] = ItemSchema.CurrentValue,
        };
        var carried = (preferences is null ? [] : PreferenceAttributes(preferences)).Concat(email is null ? [] : EmailAttributes(email));
        foreach (var (attribute, text) in carried)
        {
            if (text is not null)
            {
                item[attribute] = new AttributeValue { S = text };
            }
        }

        return item;
    }

    /// <summary>The preference attributes of a subscriber or history item; absent ones (every item before schema version 2; the channel before 3) are the operator's defaults.</summary>
    public static DeliveryPreferences ReadPreferences(Dictionary<string, AttributeValue> item) => new()
    {
        TimeZone = ItemValues.Text(item, AttributeNames.TimeZone),
        SendTime = ItemValues.Text(item, AttributeNames.SendTime) is { } time ? PreferenceNames.ParseSendTime(time) : null,
        Calendar = ItemValues.Text(item, AttributeNames.Calendar) is { } calendar ? PreferenceNames.ParseCalendar(calendar) : null,
        PausedUntil = ItemValues.Text(item, AttributeNames.PausedUntil) is { } paused ? PreferenceNames.ParseDate(paused) : null,
        Channel = ItemValues.Text(item, AttributeNames.DeliveryChannel) is { } channel ? PreferenceNames.ParseChannel(channel) : null,
    };

    /// <summary>The email attributes of a subscriber or history item; absent ones (every item before schema version 3) are none.</summary>
    public static StoredEmail ReadEmail(Dictionary<string, AttributeValue> item) => new(
        ItemValues.Text(item, AttributeNames.Email),
        Instant(item, AttributeNames.EmailConfirmedAt),
        Instant(item, AttributeNames.EmailUndeliverableAt));

    private static DateTimeOffset? Instant(Dictionary<string, AttributeValue> item, string name) =>
        ItemValues.Text(item, name) is { Length: > 0 } text ? Timestamps.Parse(text) : null;

    private static ConsentStatus ReadStatus(Dictionary<string, AttributeValue> item, string phone) =>
        ItemValues.Text(item, AttributeNames.ConsentStatus) is { } name
            ? ConsentNames.ParseStatus(name.Trim().ToLowerInvariant())
            : throw new FormatException($"The item of {PhoneMask.Mask(phone)} has no consent_status.");

    /// <summary>Our names, a few plain names the original deployment may have used, else <see cref="ConsentSource.Admin"/>.</summary>
    private static ConsentSource ReadSource(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "whatsapp_keyword" or "whatsapp" or "keyword" => ConsentSource.WhatsAppKeyword,
        "web_form" or "web" or "form" => ConsentSource.WebForm,
        "delivery" => ConsentSource.Delivery,
        _ => ConsentSource.Admin,
    };

    /// <summary>
    /// Our JSON string; or, from the original deployment, a map or JSON object with other keys, or plain text, which
    /// is kept as the note so that no evidence is lost.
    /// </summary>
    private static ConsentEvidence ReadEvidence(AttributeValue? value)
    {
        if (value?.S is { } text)
        {
            return ReadEvidenceText(text);
        }

        if (value?.M is { } map)
        {
            var fields = new List<KeyValuePair<string, string>>();
            foreach (var (key, field) in map)
            {
                var scalar = field.S ?? field.N ?? (field.BOOL is { } flag ? (flag ? "true" : "false") : null);
                if (scalar is not null)
                {
                    fields.Add(new(key, scalar));
                }
            }

            return FromFields(fields);
        }

        return new ConsentEvidence();
    }

    private static ConsentEvidence ReadEvidenceText(string text)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            return new ConsentEvidence(Note: text);
        }

        var fields = new List<KeyValuePair<string, string>>();
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ConsentEvidence(Note: text);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.String:
                        fields.Add(new(property.Name, property.Value.GetString()!));
                        break;
                    default:
                        fields.Add(new(property.Name, property.Value.GetRawText()));
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return new ConsentEvidence(Note: text);
        }

        try
        {
            // What this adapter wrote reads back exactly through Core's own reader; anything else field by field.
            var evidence = ConsentEvidence.FromJson(text);
            return CountFields(evidence) == fields.Count ? evidence : FromFields(fields);
        }
        catch (JsonException)
        {
            return FromFields(fields);
        }
    }

    private static int CountFields(ConsentEvidence evidence)
    {
        using var document = JsonDocument.Parse(evidence.ToJson());
        return document.RootElement.EnumerateObject().Count();
    }

    private static ConsentEvidence FromFields(List<KeyValuePair<string, string>> fields)
    {
        var evidence = new ConsentEvidence();
        var unknown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
        {
            evidence = key.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant() switch
            {
                "keyword" or "body" => evidence with { Keyword = value },
                "messagesid" => evidence with { MessageId = value },
                "to" => evidence with { To = value },
                "consenttextversion" => evidence with { ConsentTextVersion = value },
                "ipaddress" or "ip" => evidence with { IpAddress = value },
                "useragent" => evidence with { UserAgent = value },
                "actor" => evidence with { Actor = value },
                "note" => evidence with { Note = value },
                _ => Remember(unknown, key, value, evidence),
            };
        }

        if (unknown.Count > 0)
        {
            var rest = JsonSerializer.Serialize(unknown);
            evidence = evidence with { Note = evidence.Note is null ? rest : $"{evidence.Note} {rest}" };
        }

        return evidence;
    }

    private static ConsentEvidence Remember(Dictionary<string, string> unknown, string key, string value, ConsentEvidence evidence)
    {
        unknown[key] = value;
        return evidence;
    }
}
