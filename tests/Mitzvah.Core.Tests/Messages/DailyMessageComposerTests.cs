using Microsoft.Extensions.Options;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Messages;

public sealed class DailyMessageComposerTests
{
    private readonly DailyMessageComposer _composer = new(MitzvahCatalogue.Default);

    private static DeliveryPlan Plan(DateOnly date, bool skipRestDays = true) =>
        new DeliveryPlanner(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = skipRestDays })).Plan(date);

    [Fact]
    public void The_content_carries_the_date_lines_the_covered_days_and_their_items()
    {
        var content = _composer.ComposeContent(Plan(new DateOnly(2026, 11, 27)));

        Assert.Equal(new DateOnly(2026, 11, 27), content.Date);
        Assert.Equal("Friday, 27 November 2026", content.DateLine);
        Assert.Equal("17 Kislev 5787", content.HebrewDate);
        Assert.Equal(["Shabbat 28 Nov"], content.RestDaysCovered);
        Assert.Equal(DailyMessageComposer.DailyStudyLink(content.Date), content.StudyLink);

        Assert.Equal([new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 28)], content.Days.Select(day => day.Date));
        var shabbat = content.Days[1];
        Assert.Equal("Shabbat", shabbat.Weekday);
        Assert.Equal("18 Kislev", shabbat.HebrewDate);
        Assert.Null(shabbat.Festival);
        Assert.Equal(299, shabbat.CycleDay);
        Assert.Equal(DailyMessageComposer.DailyStudyLink(shabbat.Date), shabbat.StudyLink);

        var codes = StudyCycle.Default.GetEntry(299);
        Assert.Equal(codes.Select(code => MitzvahCatalogue.Default.Get(code).ShortName), shabbat.Items.Select(item => item.ShortName));
        var first = MitzvahCatalogue.Default.Get(codes[0]);
        var item = shabbat.Items[0];
        Assert.Equal(
            (first.Name, first.Title, first.ShortTitle, first.Verse, first.Link, false),
            (item.Name, item.Title, item.ShortTitle, item.Verse, item.Link, item.Continued));
    }

    [Fact]
    public void A_yom_tov_is_named_as_the_days_festival_and_among_the_rest_days_covered()
    {
        var content = _composer.ComposeContent(Plan(new DateOnly(2024, 10, 2)));

        Assert.Equal(["Rosh Hashanah 3 Oct", "Rosh Hashanah 4 Oct", "Shabbat 5 Oct"], content.RestDaysCovered);
        Assert.Equal([null, "Rosh Hashanah", "Rosh Hashanah", null], content.Days.Select(day => day.Festival));
    }

    [Theory]
    [InlineData("2026-09-11", "P105", 3)]
    [InlineData("2026-12-04", "P246", 2)]
    public void A_commandment_studied_on_several_days_of_one_message_is_continued_after_its_first_day(string date, string code, int days)
    {
        var content = _composer.ComposeContent(Plan(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));
        var name = MitzvahCatalogue.Default.Get(code).Name;

        var occurrences = content.Days.SelectMany(day => day.Items).Where(item => item.Name == name).ToList();

        Assert.Equal(days, occurrences.Count);
        Assert.Equal([false, .. Enumerable.Repeat(true, days - 1)], occurrences.Select(item => item.Continued));
    }

    [Fact]
    public void Each_message_starts_a_commandment_afresh_even_if_the_day_before_carried_it()
    {
        // P73 spans cycle days 17-20; without rest-day bundling each of those days is its own message.
        var day18 = StudyCycle.FirstDate.AddDays(17 + (2 * StudyCycle.Length));

        var content = _composer.ComposeContent(Plan(day18, skipRestDays: false));

        var item = Assert.Single(Assert.Single(content.Days).Items);
        Assert.Equal("Positive Commandment 73", item.Name);
        Assert.False(item.Continued);
    }

    [Fact]
    public void The_message_is_the_content_with_its_whatsapp_rendering()
    {
        var plan = Plan(new DateOnly(2026, 11, 25));

        var message = _composer.Compose(plan);

        Assert.Equal(plan.Date, message.Date);
        Assert.Equal(plan.Covers.Select(day => day.Date), message.Content.Days.Select(day => day.Date));
        Assert.Equal(WhatsAppRenderer.Render(message.Content), message.WhatsApp);
    }

    [Fact]
    public void Composing_a_rest_day_is_refused()
    {
        var plan = Plan(new DateOnly(2026, 11, 28));

        Assert.Throws<ArgumentException>(() => _composer.Compose(plan));
        Assert.Throws<ArgumentException>(() => _composer.ComposeContent(plan));
    }
}
