using System.Text.Json;

namespace Mitzvah.Core.Endpoints;

/// <summary>Named fields of a form, a query string or a JSON object, read the same way whichever was sent.</summary>
public abstract class RequestFields
{
    /// <summary>A field as text (JSON numbers and booleans as written), or <see langword="null"/> when absent.</summary>
    public abstract string? Text(string name);

    /// <summary>
    /// A field as a flag: JSON booleans, or the words of forms and people (<c>true/on/yes/1</c>,
    /// <c>false/off/no/0</c>); <see langword="null"/> when absent or not a flag.
    /// </summary>
    public abstract bool? Flag(string name);

    /// <summary>Fields of a parsed form or query string.</summary>
    public static RequestFields FromForm(IReadOnlyDictionary<string, string> form) => new Form(form);

    /// <summary>Fields of a JSON object.</summary>
    public static RequestFields FromJson(JsonElement json) => new Json(json);

    // HTML checkboxes post "on"; scripts send true/false; people type yes/no.
    private static bool? ParseFlag(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "true" or "on" or "yes" or "1" => true,
        "false" or "off" or "no" or "0" => false,
        _ => null,
    };

    private sealed class Form(IReadOnlyDictionary<string, string> form) : RequestFields
    {
        public override string? Text(string name) => form.GetValueOrDefault(name);

        public override bool? Flag(string name) => ParseFlag(form.GetValueOrDefault(name));
    }

    private sealed class Json(JsonElement json) : RequestFields
    {
        public override string? Text(string name) => json.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        } : null;

        public override bool? Flag(string name) => json.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => ParseFlag(value.GetString()),
            _ => null,
        } : null;
    }
}
