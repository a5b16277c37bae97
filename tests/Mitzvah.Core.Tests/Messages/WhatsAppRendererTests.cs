using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Messages;

public sealed partial class WhatsAppRendererTests
{
    private static readonly DailyMessageComposer Composer = new(MitzvahCatalogue.Default);

    private static DeliveryPlanner Planner(bool skipRestDays = true, bool inIsrael = false) =>
        new(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = skipRestDays, InIsrael = inIsrael }));

    private static WhatsAppMessage Render(DateOnly date, bool skipRestDays = true) =>
        Composer.Compose(Planner(skipRestDays).Plan(date)).WhatsApp;

    private static WhatsAppMessage Render(string date) => Render(DateOnly.Parse(date, CultureInfo.InvariantCulture));

    [Fact]
    public void Content_is_laid_out_with_whatsapp_formatting_links_and_continued_items()
    {
        var message = WhatsAppRenderer.Render(HandMadeContent());

        Assert.Equal(WhatsAppForm.Full, message.Form);
        Assert.Equal(
            """
            *Daily Mitzvah* · Friday, 27 November 2026
            _17 Kislev 5787_
            _Includes the study for Shabbat 28 Nov: no message goes out on rest days._

            *Friday 27 Nov · 17 Kislev · day 298 of 339*
            • Positive Commandment 1 — Believe that God exists (Exodus 20:2)
            https://example.org/p1

            *Shabbat 28 Nov · 18 Kislev · Pesach · day 299 of 339*
            • Positive Commandment 1 (continued)
            • Principles 1-3 — What is not counted as a commandment
            https://example.org/principles
            _Editions differ: a note._

            Reply STOP to unsubscribe.
            """.ReplaceLineEndings("\n"),
            message.Body);
        Assert.Equal(
            new WhatsAppTemplateVariables
            {
                DateLine = "Friday, 27 November 2026 · 17 Kislev 5787",
                Readings = "Friday 27 Nov · day 298 of 339: P1 — Believe that God exists (Exodus 20:2) | "
                    + "Shabbat 28 Nov · Pesach · day 299 of 339: P1 (continued); Principles 1-3 — What is not counted as a commandment (Editions differ: a note.)",
                Link = "https://example.org/study/27",
            },
            message.Variables);
    }

    [Fact]
    public void Content_that_fits_no_form_is_refused()
    {
        var content = HandMadeContent();
        var day = content.Days[0];
        var huge = day.Items[0] with { Title = string.Join(' ', Enumerable.Repeat("word", 400)), ShortTitle = string.Join(' ', Enumerable.Repeat("word", 400)) };

        var error = Assert.Throws<InvalidOperationException>(() => WhatsAppRenderer.Render(content with { Days = [day with { Items = [huge] }] }));

        Assert.Contains("2026-11-27", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weekday_message_has_header_items_with_title_verse_and_link_and_footer()
    {
        var message = Render(new DateOnly(2026, 11, 25));
        var item = MitzvahCatalogue.Default.Get("P142");

        Assert.Equal(WhatsAppForm.Full, message.Form);
        Assert.StartsWith("*Daily Mitzvah* · Wednesday, 25 November 2026\n_15 Kislev 5787_\n", message.Body, StringComparison.Ordinal);
        Assert.Contains($"• Positive Commandment 142 — {item.Title} (Deuteronomy 15:3)\n{item.Link}\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("day 296 of 339", message.Body, StringComparison.Ordinal);
        Assert.EndsWith("\n\nReply STOP to unsubscribe.", message.Body, StringComparison.Ordinal);
        Assert.Equal("Wednesday, 25 November 2026 · 15 Kislev 5787", message.Variables.DateLine);
        Assert.Equal("https://www.chabad.org/dailystudy/seferHamitzvos.asp?tdate=11/25/2026", message.Variables.Link);
    }

    [Fact]
    public void A_friday_message_labels_each_covered_day_with_its_date()
    {
        var message = Render(new DateOnly(2026, 11, 27));

        Assert.Contains("*Friday 27 Nov · 17 Kislev · day 298 of 339*", message.Body, StringComparison.Ordinal);
        Assert.Contains("*Shabbat 28 Nov · 18 Kislev · day 299 of 339*", message.Body, StringComparison.Ordinal);
        Assert.Contains("Includes the study for Shabbat 28 Nov", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Yom_tov_days_are_named_in_their_label()
    {
        var message = Render(new DateOnly(2024, 10, 2));

        Assert.Contains("*Thursday 3 Oct · 1 Tishrei · Rosh Hashanah · day", message.Body, StringComparison.Ordinal);
        Assert.Contains("*Shabbat 5 Oct · 3 Tishrei · day", message.Body, StringComparison.Ordinal);
        Assert.Contains("Includes the study for Rosh Hashanah 3 Oct, Rosh Hashanah 4 Oct and Shabbat 5 Oct:", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_edition_note_appears_on_the_days_editions_differ()
    {
        var day140 = StudyCycle.FirstDate.AddDays(139 + (4 * StudyCycle.Length));
        var message = Render(day140, skipRestDays: false);

        Assert.Contains("_Editions differ: some study Negative Commandment 148 today instead of 149", message.Body, StringComparison.Ordinal);
        Assert.Contains("Editions differ", message.Variables.Readings, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_day_falls_back_to_the_compact_form_with_one_link_per_day()
    {
        var day14 = StudyCycle.FirstDate.AddDays(13 + StudyCycle.Length); // 14 negative commandments
        var message = Render(day14, skipRestDays: false);

        Assert.Equal(WhatsAppForm.Compact, message.Form);
        Assert.Single(UrlPattern().Matches(message.Body));
        Assert.Contains($"Read: {DailyMessageComposer.DailyStudyLink(day14)}\n", message.Body, StringComparison.Ordinal);
        foreach (var code in StudyCycle.Default.GetEntry(14))
        {
            var item = MitzvahCatalogue.Default.Get(code);
            Assert.Contains($"• {item.ShortName} — {item.Title} ({item.Verse})\n", message.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2028-09-20", WhatsAppForm.Brief)]
    [InlineData("2027-06-10", WhatsAppForm.Condensed)]
    [InlineData("2032-05-14", WhatsAppForm.Condensed)]
    [InlineData("2027-01-22", WhatsAppForm.ShortTitles)]
    [InlineData("2070-09-05", WhatsAppForm.ShortTitles)]
    public void A_long_bundle_still_gives_every_commandment_a_title(string date, WhatsAppForm form)
    {
        var plan = Planner().Plan(DateOnly.Parse(date, CultureInfo.InvariantCulture));
        var message = Composer.Compose(plan).WhatsApp;

        Assert.Equal(form, message.Form);
        Assert.InRange(message.Body.Length, 1, WhatsAppRenderer.MaxBodyLength);
        foreach (var code in plan.Covers.SelectMany(day => day.Study.Codes))
        {
            var item = MitzvahCatalogue.Default.Get(code);
            var title = form == WhatsAppForm.ShortTitles ? item.ShortTitle : item.Title;
            Assert.Contains($"• {item.ShortName} — {title}\n", message.Body, StringComparison.Ordinal);
        }

        var links = UrlPattern().Matches(message.Body).Select(match => match.Value).ToList();
        if (form == WhatsAppForm.Brief)
        {
            Assert.Equal(plan.Covers.Select(day => DailyMessageComposer.DailyStudyLink(day.Date).AbsoluteUri), links);
            Assert.Contains(" of 339*", message.Body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal([DailyMessageComposer.DailyStudyLink(plan.Date).AbsoluteUri], links);
            Assert.DoesNotContain(" of 339", message.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_longest_readings_use_short_titles_when_the_full_ones_do_not_fit()
    {
        var plan = Planner().Plan(new DateOnly(2070, 9, 5));
        var readings = Composer.Compose(plan).WhatsApp.Variables.Readings;

        Assert.StartsWith("Friday 5 Sep: N16 No enticing a Jew; N17 ", readings, StringComparison.Ordinal);
        Assert.Contains(" | Shabbat 6 Sep · Rosh Hashanah: ", readings, StringComparison.Ordinal);
        foreach (var item in plan.Covers.SelectMany(day => day.Study.Codes).Select(MitzvahCatalogue.Default.Get))
        {
            Assert.Contains($"{item.ShortName} {item.ShortTitle}", readings, StringComparison.Ordinal);
        }

        Assert.InRange(readings.Length, 1, WhatsAppRenderer.MaxVariableLength);
    }

    [Theory]
    [InlineData("2026-09-11", "P105", 3)]
    [InlineData("2026-12-04", "P246", 2)]
    public void A_commandment_repeated_within_a_message_is_titled_once_and_then_continued(string date, string code, int days)
    {
        var message = Render(date);
        var item = MitzvahCatalogue.Default.Get(code);

        Assert.Equal(1, Occurrences(message.Body, item.Title));
        Assert.Equal(1, Occurrences(message.Body, item.Link.AbsoluteUri));
        Assert.Equal(days - 1, Occurrences(message.Body, $"• {item.Name} (continued)\n"));
        Assert.Equal(1, Occurrences(message.Variables.Readings, item.Title));
        Assert.Equal(days - 1, Occurrences(message.Variables.Readings, $"{item.ShortName} (continued)"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_link_of_six_cycles_leads_to_a_catalogue_or_study_page(bool skipRestDays)
    {
        var planner = Planner(skipRestDays);
        var links = MitzvahCatalogue.Default.Items.Select(item => item.Link.AbsoluteUri).ToHashSet(StringComparer.Ordinal);

        // Several cycles, so that long days meet multi-day bundles in different weekday positions.
        var first = new DateOnly(2023, 1, 1);
        for (var date = first; date < first.AddDays(6 * StudyCycle.Length); date = date.AddDays(1))
        {
            var plan = planner.Plan(date);
            if (!plan.Send)
            {
                continue;
            }

            var message = Composer.Compose(plan).WhatsApp;
            var daily = plan.Covers.Select(day => DailyMessageComposer.DailyStudyLink(day.Date).AbsoluteUri).ToList();
            foreach (Match url in UrlPattern().Matches(message.Body))
            {
                Assert.True(links.Contains(url.Value) || daily.Contains(url.Value), $"{date}: broken link {url.Value}");
            }

            Assert.Equal(daily[0], message.Variables.Link);
        }
    }

    [Fact]
    public void From_1984_to_2239_every_message_titles_every_commandment_and_fits_whatsapp()
    {
        // Every date the cycle supports, rest-day bundling on and off, diaspora and Israel: the proof that no
        // subscriber ever gets a message that is too long or that names a commandment without its title.
        var failures = new ConcurrentQueue<string>();
        var formsSeen = new int[Enum.GetValues<WhatsAppForm>().Length];
        var days = StudyCycle.LastDate.DayNumber - StudyCycle.FirstDate.DayNumber + 1;
        var work = from skipRestDays in new[] { true, false }
                   from inIsrael in new[] { false, true }
                   from start in Enumerable.Range(0, (days + 999) / 1000)
                   select (Planner: Planner(skipRestDays, inIsrael), Name: $"rest days {(skipRestDays ? "bundled" : "sent")}, {(inIsrael ? "Israel" : "diaspora")}",
                       From: start * 1000, To: Math.Min(days, (start + 1) * 1000));

        Parallel.ForEach(work, slice =>
        {
            for (var offset = slice.From; offset < slice.To; offset++)
            {
                var plan = slice.Planner.Plan(StudyCycle.FirstDate.AddDays(offset));
                if (plan.Send)
                {
                    var message = Composer.Compose(plan).WhatsApp;
                    Interlocked.Increment(ref formsSeen[(int)message.Form]);
                    foreach (var failure in Problems(plan, message))
                    {
                        failures.Enqueue($"{plan.Date:yyyy-MM-dd} ({slice.Name}): {failure}");
                    }
                }
            }
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} problems, among them:\n{string.Join('\n', failures.Take(20))}");
        Assert.All(formsSeen, count => Assert.True(count > 0, "a form no date needs is dead code"));
    }

    private static IEnumerable<string> Problems(DeliveryPlan plan, WhatsAppMessage message)
    {
        var body = message.Body;
        if (body.Length > WhatsAppRenderer.MaxBodyLength)
        {
            yield return $"body is {body.Length} characters";
        }

        if (!body.EndsWith("\n\n" + WhatsAppRenderer.Footer, StringComparison.Ordinal))
        {
            yield return "body lacks the footer";
        }

        var variables = message.Variables;
        foreach (var (name, value) in new[] { ("1", variables.DateLine), ("2", variables.Readings), ("3", variables.Link) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > WhatsAppRenderer.MaxVariableLength
                || value.AsSpan().IndexOfAny('\n', '\r', '\t') >= 0 || value.Contains("     ", StringComparison.Ordinal))
            {
                yield return $"template variable {name} is not a valid one-line value of at most {WhatsAppRenderer.MaxVariableLength} characters ({value.Length})";
            }
        }

        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in plan.Covers.SelectMany(day => day.Study.Codes).Select(MitzvahCatalogue.Default.Get))
        {
            var name = message.Form == WhatsAppForm.Full ? item.Name : item.ShortName;
            if (!named.Add(item.Code))
            {
                if (!body.Contains($"• {name} (continued)\n", StringComparison.Ordinal) || !variables.Readings.Contains($"{item.ShortName} (continued)", StringComparison.Ordinal))
                {
                    yield return $"{item.Code} repeats without being marked continued";
                }

                continue;
            }

            var title = message.Form == WhatsAppForm.ShortTitles ? item.ShortTitle : item.Title;
            if (!body.Contains($"• {name} — {title}", StringComparison.Ordinal))
            {
                yield return $"body shows {item.Code} without its title";
            }

            if (!variables.Readings.Contains($"{item.ShortName} — {item.Title}", StringComparison.Ordinal)
                && !variables.Readings.Contains($"{item.ShortName} {item.ShortTitle}", StringComparison.Ordinal))
            {
                yield return $"template readings show {item.Code} without its title";
            }
        }
    }

    private static DailyContent HandMadeContent()
    {
        var believe = new ContentItem
        {
            Name = "Positive Commandment 1",
            ShortName = "P1",
            Title = "Believe that God exists",
            ShortTitle = "Believe God exists",
            Verse = "Exodus 20:2",
            Link = new Uri("https://example.org/p1"),
            Continued = false,
        };
        var principles = new ContentItem
        {
            Name = "Principles 1-3",
            ShortName = "Principles 1-3",
            Title = "What is not counted as a commandment",
            ShortTitle = "What is not counted",
            Verse = null,
            Link = new Uri("https://example.org/principles"),
            Continued = false,
        };
        return new DailyContent
        {
            Date = new DateOnly(2026, 11, 27),
            DateLine = "Friday, 27 November 2026",
            HebrewDate = "17 Kislev 5787",
            RestDaysCovered = ["Shabbat 28 Nov"],
            StudyLink = new Uri("https://example.org/study/27"),
            Days =
            [
                new ContentDay
                {
                    Date = new DateOnly(2026, 11, 27), Weekday = "Friday", HebrewDate = "17 Kislev", Festival = null, CycleDay = 298,
                    Items = [believe], EditionNote = null, StudyLink = new Uri("https://example.org/study/27"),
                },
                new ContentDay
                {
                    Date = new DateOnly(2026, 11, 28), Weekday = "Shabbat", HebrewDate = "18 Kislev", Festival = "Pesach", CycleDay = 299,
                    Items = [believe with { Continued = true }, principles], EditionNote = "Editions differ: a note.",
                    StudyLink = new Uri("https://example.org/study/28"),
                },
            ],
        };
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex(@"https://\S+")]
    private static partial Regex UrlPattern();
}
