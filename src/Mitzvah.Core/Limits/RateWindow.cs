using System.Globalization;

namespace Mitzvah.Core.Limits;

/// <summary>The fixed window a time falls in, and the checks every <see cref="IRateLimiter"/> makes of its arguments.</summary>
/// <param name="Start">The window's first instant (a multiple of its length since the Unix epoch).</param>
/// <param name="End">The first instant after it.</param>
public sealed record RateWindow(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>The window of <paramref name="length"/> that holds <paramref name="now"/>.</summary>
    public static RateWindow Of(DateTimeOffset now, TimeSpan length)
    {
        var seconds = (long)length.TotalSeconds;
        var at = now.ToUnixTimeSeconds();
        var start = at - (((at % seconds) + seconds) % seconds);
        return new RateWindow(DateTimeOffset.FromUnixTimeSeconds(start), DateTimeOffset.FromUnixTimeSeconds(start + seconds));
    }

    /// <summary>The window start as Unix seconds, for keys.</summary>
    public long StartKey => Start.ToUnixTimeSeconds();

    /// <summary>The window start as text, for keys.</summary>
    public string StartText => StartKey.ToString(CultureInfo.InvariantCulture);

    /// <summary>A refusal in this window at <paramref name="now"/>.</summary>
    public RateLimitDecision Refused(DateTimeOffset now) => new(false, End - now);

    /// <summary>Throws <see cref="ArgumentException"/> for arguments no implementation accepts.</summary>
    public static void ThrowIfInvalid(string scope, string client, int limit, TimeSpan window)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(client);
        if (!scope.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException("The scope must be letters, digits and '-'.", nameof(scope));
        }

        if (client.Length > 128 || client.Any(c => char.IsControl(c) || c is '/' or '\\' or '#' or '?'))
        {
            throw new ArgumentException("The client must be at most 128 characters, without control characters, '/', '\\\\', '#' or '?'.", nameof(client));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (window < TimeSpan.FromSeconds(1) || window.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The window must be a whole number of seconds, at least one.");
        }
    }
}
