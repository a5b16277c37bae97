using System.Text.Json;

namespace Mitzvah.Core.Endpoints;

/// <summary>Named fields of a form or JSON body, read the same way whichever was sent.</summary>
internal abstract class RequestFields
{
    public abstract string? Text(string name);

    public abstract bool? Flag(string name);

    public static RequestFields FromForm(IReadOnlyDictionary<string, string> form) => new Form(form);

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
