using Microsoft.Extensions.Options;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Delivery;

public sealed class DeliveryPlannerTests
{
    private static DeliveryPlanner Planner(bool skipRestDays = true, bool inIsrael = false) =>
        new(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = skipRestDays, InIsrael = inIsrael }));

    private static string[] Covers(DeliveryPlan plan) => [.. plan.Covers.Select(day => day.Date.ToString("yyyy-MM-dd"))];

    [Fact]
    public void An_ordinary_weekday_covers_itself()
    {
        var plan = Planner().Plan(new DateOnly(2026, 11, 25));

        Assert.True(plan.Send);
        Assert.Equal(["2026-11-25"], Covers(plan));
        Assert.Equal(296, plan.Covers[0].Study.CycleDay);
    }

    [Fact]
    public void Friday_carries_friday_and_shabbat()
    {
        Assert.Equal(["2026-11-27", "2026-11-28"], Covers(Planner().Plan(new DateOnly(2026, 11, 27))));
    }

    [Fact]
    public void Nothing_goes_out_on_shabbat()
    {
        var plan = Planner().Plan(new DateOnly(2026, 11, 28));

        Assert.False(plan.Send);
        Assert.Empty(plan.Covers);
        Assert.Equal("Shabbat", plan.Day.RestReason);
    }

    [Fact]
    public void Before_a_two_day_yom_tov_running_into_shabbat_one_message_carries_four_days()
    {
        // Rosh Hashanah 5785 fell on Thursday and Friday, 3-4 October 2024.
        var plan = Planner().Plan(new DateOnly(2024, 10, 2));

        Assert.Equal(["2024-10-02", "2024-10-03", "2024-10-04", "2024-10-05"], Covers(plan));
        Assert.Equal(["Rosh Hashanah", "Rosh Hashanah", "Shabbat"], plan.Covers.Skip(1).Select(day => day.Calendar.RestReason));
    }

    [Fact]
    public void In_israel_the_second_festival_day_gets_its_own_message()
    {
        // Pesach 5786 began on Thursday 2 April 2026; the diaspora keeps Friday 3 April as Yom Tov too.
        Assert.Equal(["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04"], Covers(Planner().Plan(new DateOnly(2026, 4, 1))));
        Assert.Equal(["2026-04-01", "2026-04-02"], Covers(Planner(inIsrael: true).Plan(new DateOnly(2026, 4, 1))));
        Assert.Equal(["2026-04-03", "2026-04-04"], Covers(Planner(inIsrael: true).Plan(new DateOnly(2026, 4, 3))));
    }

    [Fact]
    public void With_rest_days_off_every_day_covers_itself()
    {
        var planner = Planner(skipRestDays: false);

        for (var date = new DateOnly(2024, 10, 1); date <= new DateOnly(2024, 10, 31); date = date.AddDays(1))
        {
            var plan = planner.Plan(date);
            Assert.True(plan.Send);
            Assert.Equal([date], plan.Covers.Select(day => day.Date));
        }
    }

    [Fact]
    public void Every_date_is_covered_by_exactly_one_message_over_a_full_cycle_and_more()
    {
        var planner = Planner();
        var coverage = new Dictionary<DateOnly, int>();
        var first = new DateOnly(2025, 1, 1);
        var last = first.AddDays(2 * StudyCycle.Length);
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            foreach (var day in planner.Plan(date).Covers)
            {
                coverage[day.Date] = coverage.GetValueOrDefault(day.Date) + 1;
            }
        }

        for (var date = first; date <= last; date = date.AddDays(1))
        {
            Assert.Equal(1, coverage[date]);
        }
    }

    [Theory]
    [InlineData("2026-11-28", false, "2026-11-27")]
    [InlineData("2024-10-03", false, "2024-10-02")]
    [InlineData("2024-10-05", false, "2024-10-02")]
    [InlineData("2026-04-03", false, "2026-04-01")]
    [InlineData("2026-04-03", true, "2026-04-03")]
    [InlineData("2026-11-25", false, "2026-11-25")]
    public void A_rest_day_is_carried_by_the_message_before_it_and_a_working_day_by_its_own(string date, bool inIsrael, string carrier)
    {
        var plan = Planner(inIsrael: inIsrael).PlanCarrying(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(carrier, plan.Date.ToString("yyyy-MM-dd"));
        Assert.Contains(date, Covers(plan));
    }

    [Fact]
    public void Every_date_of_a_year_is_carried_by_a_message_that_covers_it_on_or_before_it()
    {
        var planner = Planner();
        for (var date = new DateOnly(2025, 9, 1); date <= new DateOnly(2026, 9, 30); date = date.AddDays(1))
        {
            var plan = planner.PlanCarrying(date);

            Assert.True(plan.Send);
            Assert.True(plan.Date <= date);
            Assert.Contains(date, plan.Covers.Select(day => day.Date));
        }
    }

    [Fact]
    public void With_rest_days_off_shabbat_carries_itself()
    {
        Assert.Equal(new DateOnly(2026, 11, 28), Planner(skipRestDays: false).PlanCarrying(new DateOnly(2026, 11, 28)).Date);
    }

    [Fact]
    public void Dates_outside_the_supported_range_are_rejected()
    {
        Assert.Throws<StudyDateOutOfRangeException>(() => Planner().Plan(new DateOnly(1984, 4, 28)));
        Assert.Throws<StudyDateOutOfRangeException>(() => Planner().Plan(StudyCycle.LastDate.AddDays(1)));
        Assert.Throws<StudyDateOutOfRangeException>(() => Planner().PlanCarrying(new DateOnly(1984, 4, 28)));
    }
}
