using System.Text.Json;

namespace Mitzvah.Aws;

/// <summary>Reads the event document a handler is invoked with.</summary>
internal static class LambdaEvent
{
    /// <summary>
    /// The event, or <see langword="null"/> when the payload is not JSON. An empty payload (the Lambda console's test
    /// button, <c>aws lambda invoke</c> without <c>--payload</c>) reads as <c>{}</c>.
    /// </summary>
    public static async Task<JsonDocument?> TryReadAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return JsonDocument.Parse("{}");
        }

        try
        {
            return JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
