using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mitzvah.Core.Consent;

/// <summary>What proves a consent change: the fields that apply to its source, the rest null.</summary>
/// <param name="Keyword">WhatsApp: the message text as received.</param>
/// <param name="MessageId">WhatsApp: the provider's id of the inbound message (stored as <c>message_sid</c>, its name since the first deployment).</param>
/// <param name="To">WhatsApp: the number the subscriber wrote to.</param>
/// <param name="ConsentTextVersion">Web form: the version of the consent text the person agreed to.</param>
/// <param name="IpAddress">Web form: the client address.</param>
/// <param name="UserAgent">Web form: the browser's user agent.</param>
/// <param name="Actor">Admin or delivery: who or what made the change.</param>
/// <param name="Note">Free text: the reason (e.g. "provider error 21610").</param>
/// <param name="DeliveryState">
/// Set only on a delivery-state entry (not a consent change): <see cref="ConsentNames.Unreachable"/> or
/// <see cref="ConsentNames.Reachable"/>.
/// </param>
/// <param name="ErrorCode">Delivery state: the provider's error code that made the number unreachable.</param>
/// <param name="Preferences">
/// Set only on a preference-change entry (not a consent change): the preferences after it, as
/// <see cref="PreferenceNames.Describe"/> writes them.
/// </param>
/// <param name="Email">For an email change or an email consent change: the address concerned.</param>
/// <param name="EmailState">For an email change: "linked", "confirmed", "undeliverable" or "removed" (<see cref="ConsentNames"/>).</param>
public sealed record ConsentEvidence(
    string? Keyword = null,
    [property: JsonPropertyName("message_sid")] string? MessageId = null,
    string? To = null,
    string? ConsentTextVersion = null,
    string? IpAddress = null,
    string? UserAgent = null,
    string? Actor = null,
    string? Note = null,
    string? DeliveryState = null,
    string? ErrorCode = null,
    string? Preferences = null,
    string? Email = null,
    string? EmailState = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Compact JSON with snake_case names and no nulls, as every store persists it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static ConsentEvidence FromJson(string json) =>
        JsonSerializer.Deserialize<ConsentEvidence>(json, Json) ?? new ConsentEvidence();
}
