using System.Globalization;

namespace Mitzvah.Bench;

/// <summary>
/// The command line of the tick benchmark: <c>ticks [--store sqlite|dynamodb] [--subscribers N] [--latency-ms MS]
/// [--concurrency C]</c>. Subscribers default to 100 000 on SQLite and 10 000 on DynamoDB (dynalite is slow).
/// </summary>
internal sealed record TickBenchSettings(string Store, int Subscribers, int LatencyMs, int Concurrency)
{
    public const string Usage = "ticks [--store sqlite|dynamodb] [--subscribers 100000 (dynamodb: 10000)] [--latency-ms 20] [--concurrency 64]";

    /// <summary>The DynamoDB endpoint (a local dynalite) the <c>dynamodb</c> store uses.</summary>
    public const string DynamoDbUrlVariable = "MITZVAH_TEST_DYNAMODB_URL";

    /// <summary>Reads the arguments, or returns null with <paramref name="error"/> set.</summary>
    public static TickBenchSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        string store = "sqlite";
        int? subscribers = null;
        int latency = 20, concurrency = 64;
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                error = $"{args[i]} needs a value. usage: {Usage}";
                return null;
            }

            if (args[i] == "--store")
            {
                store = args[i + 1];
                if (store is not ("sqlite" or "dynamodb"))
                {
                    error = $"--store is sqlite or dynamodb. usage: {Usage}";
                    return null;
                }

                continue;
            }

            if (!int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"{args[i]} needs a whole number. usage: {Usage}";
                return null;
            }

            switch (args[i])
            {
                case "--subscribers":
                    subscribers = value;
                    break;
                case "--latency-ms":
                    latency = value;
                    break;
                case "--concurrency":
                    concurrency = value;
                    break;
                default:
                    error = $"Unknown option {args[i]}. usage: {Usage}";
                    return null;
            }
        }

        var settings = new TickBenchSettings(store, subscribers ?? (store == "sqlite" ? 100_000 : 10_000), latency, concurrency);
        if (settings.Subscribers is < 1 or > 9_999_999 || settings.Concurrency is < 1 or > 256)
        {
            error = $"--subscribers must be 1-9999999, --concurrency 1-256. usage: {Usage}";
            return null;
        }

        if (store == "dynamodb" && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DynamoDbUrlVariable)))
        {
            error = $"--store dynamodb needs {DynamoDbUrlVariable} (a local dynalite, e.g. http://127.0.0.1:8000).";
            return null;
        }

        return settings;
    }
}
