using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Messages;

public sealed partial class DailyMessageComposerTests
{
    private readonly DailyMessageComposer _composer = new(MitzvahCatalogue.Default);

    private static DeliveryPlanner Planner(bool skipRestDays = true) =>
        new(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = skipRestDays }));

    private DailyMessage Compose(DateOnly date, bool skipRestDays = true) => _composer.Compose(Planner(skipRestDays).Plan(date));

    [Fact]
    public void A_weekday_message_has_header_items_with_title_verse_and_link_and_footer()
    {
        var message = Compose(new DateOnly(2026, 11, 25));
        var item = MitzvahCatalogue.Default.Get("P142");

        Assert.Equal(MessageForm.Full, message.Form);
        Assert.StartsWith("*Daily Mitzvah* · Wednesday, 25 November 2026\n_15 Kislev 5787_\n", message.Body, StringComparison.Ordinal);
        Assert.Contains($"• Positive Commandment 142 — {item.Title} (Deuteronomy 15:3)\n{item.Link}\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("day 296 of 339", message.Body, StringComparison.Ordinal);
        Assert.EndsWith("\n\nReply STOP to unsubscribe.", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_friday_message_labels_each_covered_day_with_its_date()
    {
        var message = Compose(new DateOnly(2026, 11, 27));

        Assert.Contains("*Friday 27 Nov · 17 Kislev · day 298 of 339*", message.Body, StringComparison.Ordinal);
        Assert.Contains("*Shabbat 28 Nov · 18 Kislev · day 299 of 339*", message.Body, StringComparison.Ordinal);
        Assert.Contains("Includes the study for Shabbat 28 Nov", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Yom_tov_days_are_named_in_their_label()
    {
        var message = Compose(new DateOnly(2024, 10, 2));

        Assert.Contains("*Thursday 3 Oct · 1 Tishrei · Rosh Hashanah · day", message.Body, StringComparison.Ordinal);
        Assert.Contains("*Shabbat 5 Oct · 3 Tishrei · day", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_edition_note_appears_on_the_days_editions_differ()
    {
        var day140 = StudyCycle.FirstDate.AddDays(139 + (4 * StudyCycle.Length));
        var message = Compose(day140, skipRestDays: false);

        Assert.Contains("_Editions differ: some study Negative Commandment 148 today instead of 149", message.Body, StringComparison.Ordinal);
        Assert.Contains("Editions differ", message.Variables.Readings, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_day_falls_back_to_the_compact_form_with_one_link_per_day()
    {
        var day14 = StudyCycle.FirstDate.AddDays(13 + StudyCycle.Length); // 14 negative commandments
        var message = Compose(day14, skipRestDays: false);

        Assert.NotEqual(MessageForm.Full, message.Form);
        Assert.Single(UrlPattern().Matches(message.Body));
        Assert.Contains($"Read: {DailyMessageComposer.DailyStudyLink(day14)}\n", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Composing_a_rest_day_is_refused()
    {
        var plan = Planner().Plan(new DateOnly(2026, 11, 28));

        Assert.Throws<ArgumentException>(() => _composer.Compose(plan));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_message_of_a_full_cycle_fits_twilio_and_keeps_words_and_links_whole(bool skipRestDays)
    {
        var planner = Planner(skipRestDays);
        var links = MitzvahCatalogue.Default.Items.Select(item => item.Link.AbsoluteUri).ToHashSet(StringComparer.Ordinal);
        var forms = new HashSet<MessageForm>();

        // Several cycles, so that long days meet multi-day bundles in different weekday positions.
        var first = new DateOnly(2023, 1, 1);
        for (var date = first; date < first.AddDays(6 * StudyCycle.Length); date = date.AddDays(1))
        {
            var plan = planner.Plan(date);
            if (!plan.Send)
            {
                continue;
            }

            var message = _composer.Compose(plan);
            forms.Add(message.Form);
            Assert.True(message.Body.Length <= DailyMessage.MaxBodyLength, $"{date}: {message.Body.Length} characters");
            Assert.EndsWith(DailyMessageComposer.Footer, message.Body, StringComparison.Ordinal);

            foreach (Match url in UrlPattern().Matches(message.Body))
            {
                var expectedDaily = plan.Covers.Select(day => DailyMessageComposer.DailyStudyLink(day.Date).AbsoluteUri);
                Assert.True(links.Contains(url.Value) || expectedDaily.Contains(url.Value), $"{date}: broken link {url.Value}");
            }

            foreach (var code in plan.Covers.SelectMany(day => day.Study.Codes))
            {
                var item = MitzvahCatalogue.Default.Get(code);
                Assert.Contains(message.Form == MessageForm.Full ? item.Name : item.ShortName, message.Body, StringComparison.Ordinal);
                if (message.Form != MessageForm.CodesOnly)
                {
                    Assert.Contains(item.Title, message.Body, StringComparison.Ordinal);
                }
            }

            AssertValidTemplateVariables(message.Variables, date);
        }

        Assert.Contains(MessageForm.Full, forms);
        Assert.Contains(MessageForm.Compact, forms);
    }

    private static void AssertValidTemplateVariables(TemplateVariables variables, DateOnly date)
    {
        var values = variables.ToDictionary();
        Assert.Equal(["1", "2", "3"], values.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in values)
        {
            Assert.False(string.IsNullOrWhiteSpace(value), $"{date}: variable {key} is empty");
            Assert.True(value.Length <= TemplateVariables.MaxLength, $"{date}: variable {key} is {value.Length} characters");
            Assert.DoesNotContain('\n', value);
            Assert.DoesNotContain('\r', value);
            Assert.DoesNotContain('\t', value);
            Assert.DoesNotContain("     ", value, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"https://\S+")]
    private static partial Regex UrlPattern();
}
