using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Study;

public sealed class StudyCycleTests
{
    private readonly StudyCycle _cycle = StudyCycle.Default;

    [Fact]
    public void First_date_is_cycle_day_one_with_the_introduction()
    {
        var day = _cycle.GetDay(new DateOnly(1984, 4, 29));

        Assert.Equal(1, day.CycleDay);
        Assert.Equal(["Maimonides’ Introduction to Sefer Hamitzvot"], day.Codes);
    }

    // Published daily-study pages for these dates list exactly these items.
    [Theory]
    [InlineData("2006-01-22", 142, "P80, P81")]
    [InlineData("2012-04-27", 56, "P157, Text of the Haggadah, P170")]
    [InlineData("2013-11-27", 296, "P142")]
    [InlineData("2026-11-25", 296, "P142")]
    public void Known_dates_match_the_published_schedule(string date, int cycleDay, string codes)
    {
        var day = _cycle.GetDay(DateOnly.Parse(date));

        Assert.Equal(cycleDay, day.CycleDay);
        Assert.Equal(codes, string.Join(", ", day.Codes));
    }

    [Fact]
    public void The_cycle_repeats_every_339_days_without_skipping()
    {
        var start = new DateOnly(2020, 1, 1);
        var previous = _cycle.GetDay(start).CycleDay;
        for (var offset = 1; offset < 2 * StudyCycle.Length; offset++)
        {
            var day = _cycle.GetDay(start.AddDays(offset));
            Assert.Equal(previous % StudyCycle.Length + 1, day.CycleDay);
            Assert.Equal(day.Codes, _cycle.GetDay(start.AddDays(offset + StudyCycle.Length)).Codes);
            previous = day.CycleDay;
        }
    }

    [Fact]
    public void A_date_before_the_cycle_began_is_rejected_with_the_start_date()
    {
        var error = Assert.Throws<StudyDateOutOfRangeException>(() => _cycle.GetDay(new DateOnly(1984, 4, 28)));

        Assert.Contains("1984-04-29", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_supported_date_works_and_the_next_is_rejected()
    {
        Assert.Equal(new DateOnly(2239, 9, 29), StudyCycle.LastDate);
        Assert.InRange(_cycle.GetDay(StudyCycle.LastDate).CycleDay, 1, StudyCycle.Length);
        Assert.Throws<StudyDateOutOfRangeException>(() => _cycle.GetDay(StudyCycle.LastDate.AddDays(1)));
    }

    [Theory]
    [InlineData(140, "148", "149", "161")]
    [InlineData(161, "149", "148", "140")]
    [InlineData(258, "295", "296", "259")]
    [InlineData(259, "296", "295", "258")]
    public void Days_on_which_editions_differ_carry_a_note(int cycleDay, string alternative, string listed, string partner)
    {
        var day = _cycle.GetDay(StudyCycle.FirstDate.AddDays(cycleDay - 1));

        Assert.Contains("N" + listed, day.Codes);
        Assert.Equal(
            $"Editions differ: some study Negative Commandment {alternative} today instead of {listed}, and {listed} on cycle day {partner}.",
            day.EditionNote);
    }

    [Fact]
    public void Only_the_four_variant_days_carry_an_edition_note()
    {
        var noted = Enumerable.Range(1, StudyCycle.Length)
            .Where(d => _cycle.GetDay(StudyCycle.FirstDate.AddDays(d - 1)).EditionNote is not null);

        Assert.Equal([140, 161, 258, 259], noted);
    }

    [Fact]
    public void The_cycle_covers_every_one_of_the_613_commandments()
    {
        var codes = Enumerable.Range(1, StudyCycle.Length).SelectMany(_cycle.GetEntry).ToHashSet();

        var missing = Enumerable.Range(1, 248).Select(n => $"P{n}")
            .Concat(Enumerable.Range(1, 365).Select(n => $"N{n}"))
            .Where(code => !codes.Contains(code));
        Assert.Empty(missing);
    }
}
