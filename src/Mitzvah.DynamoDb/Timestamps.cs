using System.Globalization;

namespace Mitzvah.DynamoDb;

/// <summary>The storage format of instants: ISO-8601 UTC with milliseconds, whose string order is their time order.</summary>
internal static class Timestamps
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads any ISO-8601 form (the original deployment wrote Python's <c>isoformat()</c>, with microseconds and an
    /// offset, or none, meaning UTC), truncated to the millisecond, in UTC.
    /// </summary>
    public static DateTimeOffset Parse(string text)
    {
        var value = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return Truncate(value);
    }

    public static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
