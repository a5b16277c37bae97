using System.Text;
using System.Text.Json;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Aws.Tests;

/// <summary>Reads the event documents in <c>aws/events</c> and runs handlers the way the Lambda runtime does: a stream in, a stream out.</summary>
internal static class LambdaEvents
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, "aws", "events", name));

    /// <summary>A context as the Runtime API would give it: a fresh request id, 30 seconds to go.</summary>
    public static InvocationContext Context() => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Deadline = DateTimeOffset.UtcNow.AddMinutes(15),
        InvokedFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:mitzvah-test:live",
    };

    public static async Task<JsonElement> InvokeAsync(Func<Stream, InvocationContext, Task<Stream>> handler, string eventJson)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(eventJson));
        await using var output = await handler(input, Context());
        using var reader = new StreamReader(output);
        return JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
    }
}
