using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Mitzvah.Core.Study;

/// <summary>The 339-day Sefer HaMitzvos ("Daily Mitzvah") study cycle.</summary>
/// <remarks>
/// Immutable and thread-safe. Day 1 is <see cref="FirstDate"/>; the cycle repeats every <see cref="Length"/> days with
/// no skipped days, so a date's cycle day is <c>(date - FirstDate) mod 339 + 1</c>. Dates are supported up to
/// <see cref="LastDate"/>, the last date the Hebrew calendar used for rest days and Hebrew dates can express.
/// </remarks>
public sealed class StudyCycle
{
    /// <summary>The number of days in one cycle.</summary>
    public const int Length = 339;

    /// <summary>Cycle day 1 of the first cycle: Sunday 29 April 1984 (27 Nisan 5744).</summary>
    public static readonly DateOnly FirstDate = new(1984, 4, 29);

    /// <summary>The last supported date (the last date <see cref="HebrewCalendar"/> supports).</summary>
    public static readonly DateOnly LastDate = DateOnly.FromDateTime(new HebrewCalendar().MaxSupportedDateTime);

    private const string ResourceName = "Mitzvah.Core.Data.sefer-hamitzvos-cycle.json";

    // Printed editions swap these commandments between the paired days.
    private static readonly (int DayA, int DayB, string CodeA, string CodeB)[] EditionVariants =
    [
        (140, 161, "N148", "N149"),
        (258, 259, "N295", "N296"),
    ];

    private readonly ImmutableArray<ImmutableArray<string>> _entries;
    private readonly ImmutableArray<string?> _notes;

    private StudyCycle(ImmutableArray<ImmutableArray<string>> entries)
    {
        if (entries.Length != Length)
        {
            throw new InvalidDataException($"The study cycle must have {Length} days; the data has {entries.Length}.");
        }

        _entries = entries;
        _notes = [.. Enumerable.Range(1, Length).Select(day => EditionNoteFor(day, entries[day - 1]))];
    }

    /// <summary>The cycle shipped with the product.</summary>
    public static StudyCycle Default { get; } = Load();

    /// <summary>Returns the items of one cycle day, in study order.</summary>
    /// <param name="cycleDay">1 to 339.</param>
    public IReadOnlyList<string> GetEntry(int cycleDay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cycleDay, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycleDay, Length);
        return _entries[cycleDay - 1];
    }

    /// <summary>Returns the cycle day and items studied on <paramref name="date"/>.</summary>
    /// <exception cref="StudyDateOutOfRangeException">The date is before <see cref="FirstDate"/> or after <see cref="LastDate"/>.</exception>
    public StudyDay GetDay(DateOnly date)
    {
        EnsureSupported(date);
        var index = (date.DayNumber - FirstDate.DayNumber) % Length;
        return new StudyDay(date, index + 1, _entries[index], _notes[index]);
    }

    /// <summary>Throws <see cref="StudyDateOutOfRangeException"/> when the cycle cannot answer for <paramref name="date"/>.</summary>
    public static void EnsureSupported(DateOnly date)
    {
        if (date < FirstDate)
        {
            throw new StudyDateOutOfRangeException(
                $"{date:yyyy-MM-dd} is before the study cycle began on {FirstDate:yyyy-MM-dd} (cycle day 1).");
        }

        if (date > LastDate)
        {
            throw new StudyDateOutOfRangeException(
                $"{date:yyyy-MM-dd} is after {LastDate:yyyy-MM-dd}, the last date the Hebrew calendar supports.");
        }
    }

    private static StudyCycle Load()
    {
        using var stream = typeof(StudyCycle).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"Embedded resource {ResourceName} is missing.");
        var raw = JsonSerializer.Deserialize<string[]>(stream)
            ?? throw new InvalidDataException("The study cycle data is empty.");
        return new StudyCycle([.. raw.Select(entry => entry.Split(", ", StringSplitOptions.TrimEntries).ToImmutableArray())]);
    }

    private static string? EditionNoteFor(int cycleDay, ImmutableArray<string> entry)
    {
        foreach (var (dayA, dayB, codeA, codeB) in EditionVariants)
        {
            if (cycleDay != dayA && cycleDay != dayB)
            {
                continue;
            }

            var listed = entry.Contains(codeA) ? codeA : codeB;
            var other = listed == codeA ? codeB : codeA;
            var partnerDay = cycleDay == dayA ? dayB : dayA;
            return $"Editions differ: some study Negative Commandment {other[1..]} today instead of {listed[1..]}, "
                + $"and {listed[1..]} on cycle day {partnerDay}.";
        }

        return null;
    }
}
