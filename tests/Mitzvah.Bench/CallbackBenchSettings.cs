using System.Globalization;

namespace Mitzvah.Bench;

/// <summary>The command line of the callbacks benchmark: <c>callbacks [--callbacks N] [--concurrency C] [--duplicates PERCENT] [--seed S]</c>.</summary>
internal sealed record CallbackBenchSettings(int Callbacks, int Concurrency, int DuplicatePercent, int Seed)
{
    public const string Usage = "callbacks [--callbacks 2000] [--concurrency 50] [--duplicates 20] [--seed 1]";

    /// <summary>Reads the arguments, or returns null with <paramref name="error"/> set.</summary>
    public static CallbackBenchSettings? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        var settings = new CallbackBenchSettings(2000, 50, 20, 1);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"{args[i]} needs a whole number. usage: {Usage}";
                return null;
            }

            switch (args[i])
            {
                case "--callbacks":
                    settings = settings with { Callbacks = value };
                    break;
                case "--concurrency":
                    settings = settings with { Concurrency = value };
                    break;
                case "--duplicates":
                    settings = settings with { DuplicatePercent = value };
                    break;
                case "--seed":
                    settings = settings with { Seed = value };
                    break;
                default:
                    error = $"Unknown option {args[i]}. usage: {Usage}";
                    return null;
            }
        }

        if (settings.Callbacks is < 10 or > 1_000_000 || settings.Concurrency is < 1 or > 512 || settings.DuplicatePercent > 100)
        {
            error = $"--callbacks must be 10-1000000, --concurrency 1-512, --duplicates 0-100. usage: {Usage}";
            return null;
        }

        return settings;
    }
}
