using System.Globalization;

namespace Mitzvah.Bench;

/// <summary>
/// The command line: <c>send [--subscribers N] [--latency-ms MS] [--concurrency C] [--limit L] [--template] [--profile]</c>;
/// <c>--profile</c> times every ledger and messenger call and watches the thread pool.
/// </summary>
internal sealed record BenchSettings(int Subscribers, int LatencyMs, int Concurrency, int Limit, bool Template, bool Profile)
{
    public const string Usage =
        "usage: send [--subscribers 10000] [--latency-ms 100] [--concurrency 64] [--limit 100] [--template] [--profile]\n"
        + "   or: " + CallbackBenchSettings.Usage + "\n"
        + "   or: " + TickBenchSettings.Usage;

    /// <summary>Reads the arguments, or returns null with <paramref name="error"/> set.</summary>
    public static BenchSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        if (args.Count == 0 || args[0] != "send")
        {
            error = Usage;
            return null;
        }

        var settings = new BenchSettings(10_000, 100, 64, 100, false, false);
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] is "--template" or "--profile")
            {
                settings = args[i] == "--template" ? settings with { Template = true } : settings with { Profile = true };
                continue;
            }

            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                error = $"{args[i]} needs a whole number. {Usage}";
                return null;
            }

            switch (args[i])
            {
                case "--subscribers":
                    settings = settings with { Subscribers = value };
                    break;
                case "--latency-ms":
                    settings = settings with { LatencyMs = value };
                    break;
                case "--concurrency":
                    settings = settings with { Concurrency = value };
                    break;
                case "--limit":
                    settings = settings with { Limit = value };
                    break;
                default:
                    error = $"Unknown option {args[i]}. {Usage}";
                    return null;
            }

            i++;
        }

        if (settings.Subscribers is < 1 or > 9_999_999 || settings.Concurrency is < 1 or > 256 || settings.Limit < 1)
        {
            error = $"--subscribers must be 1-9999999, --concurrency 1-256, --limit at least 1. {Usage}";
            return null;
        }

        return settings;
    }
}
