using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Core.Tests.Messages;

public sealed partial class EmailRendererTests
{
    private static readonly DailyMessageComposer Composer = new(MitzvahCatalogue.Default);

    private static readonly EmailLinks Links = new() { Unsubscribe = new Uri("https://mitzvah.example/unsubscribe?token=t0k&list=daily") };

    private static DeliveryPlanner Planner(bool skipRestDays = true) =>
        new(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = skipRestDays }));

    private static DailyMessage Compose(string date, bool skipRestDays = true) =>
        Composer.Compose(Planner(skipRestDays).Plan(DateOnly.Parse(date, CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("2026-11-25", "Daily Mitzvah · Wednesday 25 November · 15 Kislev 5787")]
    [InlineData("2026-11-27", "Daily Mitzvah · Friday 27 November + Shabbat · 17 Kislev 5787")]
    [InlineData("2024-10-02", "Daily Mitzvah · Wednesday 2 October + Rosh Hashanah and Shabbat · 29 Elul 5784")]
    [InlineData("2026-09-11", "Daily Mitzvah · Friday 11 September + Rosh Hashanah · 29 Elul 5786")]
    public void The_subject_names_the_date_the_rest_days_it_covers_and_the_hebrew_date(string date, string subject)
    {
        var message = EmailRenderer.Render(Compose(date).Content, Links);

        Assert.Equal(subject, message.Subject);
        Assert.Contains($"<title>{subject}</title>", message.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-11-25", 1, WhatsAppForm.Full)]
    [InlineData("2026-11-27", 2, WhatsAppForm.Full)]
    [InlineData("2026-09-11", 3, WhatsAppForm.Full)]
    [InlineData("2024-10-02", 4, WhatsAppForm.Compact)]
    [InlineData("2070-09-05", 3, WhatsAppForm.ShortTitles)]
    public void Both_parts_carry_everything_the_whatsapp_message_carries(string date, int days, WhatsAppForm form)
    {
        var daily = Compose(date);
        var whatsApp = daily.WhatsApp.Body;
        var email = EmailRenderer.Render(daily.Content, Links);

        // Where WhatsApp had to shorten, email still shows all: the same items, each with its title, verse and link.
        Assert.Equal(form, daily.WhatsApp.Form);
        Assert.Equal(days, daily.Content.Days.Count);
        foreach (var rest in daily.Content.RestDaysCovered)
        {
            Assert.Contains(rest, whatsApp, StringComparison.Ordinal);
            Assert.Contains(rest, email.Text, StringComparison.Ordinal);
            Assert.Contains(Encode(rest), email.Html, StringComparison.Ordinal);
        }

        foreach (var day in daily.Content.Days)
        {
            var label = $"{day.Weekday} {day.Date.ToString("d MMM", CultureInfo.InvariantCulture)}";
            Assert.Contains(label, whatsApp, StringComparison.Ordinal);
            Assert.Contains($"{label} · {day.HebrewDate}", email.Text, StringComparison.Ordinal);
            Assert.Contains(Encode($"{label} · {day.HebrewDate}"), email.Html, StringComparison.Ordinal);
            Assert.Contains($"day {day.CycleDay} of 339", email.Html, StringComparison.Ordinal);
            Assert.Contains($"href=\"{Encode(day.StudyLink.AbsoluteUri)}\"", email.Html, StringComparison.Ordinal);
            foreach (var item in day.Items.Where(item => !item.Continued))
            {
                Assert.Contains(form == WhatsAppForm.Full ? item.Name : item.ShortName, whatsApp, StringComparison.Ordinal);
                foreach (var part in new[] { item.Name, item.Title, item.Verse ?? item.Name, item.Link.AbsoluteUri })
                {
                    if (form == WhatsAppForm.Full)
                    {
                        Assert.Contains(part, whatsApp, StringComparison.Ordinal);
                    }

                    Assert.Contains(part, email.Text, StringComparison.Ordinal);
                    Assert.Contains(Encode(part), email.Html, StringComparison.Ordinal);
                }

                Assert.Contains($"• {item.Name} — {item.Title}", email.Text, StringComparison.Ordinal);
                Assert.Contains($"href=\"{Encode(item.Link.AbsoluteUri)}\"", email.Html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_commandment_studied_over_several_days_is_titled_once_and_then_continued()
    {
        var daily = Compose("2026-09-11");
        var item = MitzvahCatalogue.Default.Get("P105");

        var email = EmailRenderer.Render(daily.Content, Links);

        Assert.Equal(1, Occurrences(email.Text, item.Title));
        Assert.Equal(2, Occurrences(email.Text, $"• {item.Name} (continued)\n  {item.Link.AbsoluteUri}\n"));
        Assert.Equal(1, Occurrences(email.Html, Encode(item.Title)));
        Assert.Equal(3, Occurrences(email.Html, $"href=\"{Encode(item.Link.AbsoluteUri)}\""));
    }

    [Fact]
    public void The_edition_note_appears_in_both_parts_on_the_days_editions_differ()
    {
        var day140 = StudyCycle.FirstDate.AddDays(139 + (4 * StudyCycle.Length));
        var daily = Composer.Compose(Planner(skipRestDays: false).Plan(day140));
        var note = Assert.Single(daily.Content.Days).EditionNote;
        Assert.NotNull(note);

        var email = EmailRenderer.Render(daily.Content, Links);

        Assert.Contains(note, daily.WhatsApp.Body, StringComparison.Ordinal);
        Assert.Contains(note + "\n", email.Text, StringComparison.Ordinal);
        Assert.Contains(Encode(note), email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_footer_links_to_the_recipients_unsubscribe_page_and_to_manage_only_when_given()
    {
        var content = Compose("2026-11-25").Content;

        var plain = EmailRenderer.Render(content, Links);
        var managed = EmailRenderer.Render(content, Links with { Manage = new Uri("https://mitzvah.example/manage?id=7&k=x") });

        const string Unsubscribe = "https://mitzvah.example/unsubscribe?token=t0k&list=daily";
        Assert.Matches($"<a href=\"{Regex.Escape(Encode(Unsubscribe))}\" style=\"[^\"]*\">Unsubscribe</a>", plain.Html);
        Assert.EndsWith($"\nUnsubscribe: {Unsubscribe}\n", plain.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Manage", plain.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Manage", plain.Text, StringComparison.Ordinal);
        Assert.Matches("<a href=\"https://mitzvah.example/manage\\?id=7&amp;k=x\" style=\"[^\"]*\">Manage your subscription</a>", managed.Html);
        Assert.Contains("\nManage your subscription: https://mitzvah.example/manage?id=7&k=x\n", managed.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://mitzvah.example/unsubscribe")]
    [InlineData("mailto:unsubscribe@mitzvah.example")]
    [InlineData("/unsubscribe")]
    public void Footer_links_that_are_not_absolute_https_are_refused(string link)
    {
        var content = Compose("2026-11-25").Content;

        Assert.Throws<ArgumentException>(() => EmailRenderer.Render(content, new EmailLinks { Unsubscribe = new Uri(link, UriKind.RelativeOrAbsolute) }));
        Assert.Throws<ArgumentException>(() => EmailRenderer.Render(content, Links with { Manage = new Uri(link, UriKind.RelativeOrAbsolute) }));
    }

    [Fact]
    public void Hostile_content_is_encoded_in_the_html_and_cannot_break_the_subject()
    {
        const string Evil = "<script>alert(\"x\")</script><img src=x onerror=y> & 'q'";
        var content = Compose("2026-11-27").Content;
        var day = content.Days[1];
        var item = day.Items[0] with { Name = Evil, Title = Evil, Verse = Evil };
        var hostile = content with
        {
            DateLine = Evil,
            HebrewDate = "17 Kislev\r\nBcc: victim@example.org",
            RestDaysCovered = [Evil],
            Days = [content.Days[0], day with { Weekday = Evil, HebrewDate = Evil, Festival = Evil, EditionNote = Evil, Items = [item] }],
        };

        var email = EmailRenderer.Render(hostile, Links);

        const string Encoded = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=y&gt; &amp; &#39;q&#39;";
        Assert.DoesNotContain("<script", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Evil, email.Html, StringComparison.Ordinal);
        Assert.True(Occurrences(email.Html, Encoded) >= 8, "every hostile field appears encoded");
        Assert.Contains($"• {Evil} — {Evil} ({Evil})", email.Text, StringComparison.Ordinal);
        Assert.Equal("Daily Mitzvah · Friday 27 November + " + Evil + " · 17 Kislev  Bcc: victim@example.org", email.Subject);
        Assert.DoesNotContain("\n", email.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    public void A_content_link_that_is_not_a_web_address_is_refused(string link)
    {
        var content = Compose("2026-11-25").Content;
        var day = content.Days[0];
        var hostile = content with { Days = [day with { Items = [day.Items[0] with { Link = new Uri(link) }] }] };

        Assert.Throws<InvalidOperationException>(() => EmailRenderer.Render(hostile, Links));
    }

    [Fact]
    public void The_html_declares_both_colour_schemes_and_styles_the_dark_one()
    {
        var html = EmailRenderer.Render(Compose("2026-11-25").Content, Links).Html;

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta charset=\"utf-8\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"color-scheme\" content=\"light dark\">", html, StringComparison.Ordinal);
        Assert.Contains("<meta name=\"supported-color-schemes\" content=\"light dark\">", html, StringComparison.Ordinal);
        Assert.Contains("@media (prefers-color-scheme: dark)", html, StringComparison.Ordinal);
        Assert.Contains("<body style=\"margin:0;padding:0;background-color:", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_message_of_three_cycles_is_complete_self_contained_and_phone_wide()
    {
        var planner = Planner();
        var named = MitzvahCatalogue.Default.Items.ToDictionary(item => item.Name, StringComparer.Ordinal);
        var first = new DateOnly(2025, 1, 1);
        var rendered = 0;
        for (var date = first; date < first.AddDays(3 * StudyCycle.Length); date = date.AddDays(1))
        {
            var plan = planner.Plan(date);
            if (!plan.Send)
            {
                continue;
            }

            var content = Composer.ComposeContent(plan);
            var email = EmailRenderer.Render(content, Links);
            rendered++;
            foreach (var remote in new[] { "<img", "src=", "url(", "@import", "<link", "<script", "<iframe", "http://", "javascript:" })
            {
                Assert.False(email.Html.Contains(remote, StringComparison.OrdinalIgnoreCase), $"{date}: the html contains {remote}");
            }

            foreach (Match width in FixedWidth().Matches(email.Html))
            {
                Assert.True(int.Parse(width.Groups[1].Value, CultureInfo.InvariantCulture) <= 390, $"{date}: fixed {width.Value}");
            }

            foreach (var item in content.Days.SelectMany(day => day.Items).Where(item => !item.Continued))
            {
                Assert.True(named.ContainsKey(item.Name), $"{date}: {item.Name} is not in the catalogue");
                Assert.True(email.Text.Contains($"• {item.Name} — {item.Title}", StringComparison.Ordinal), $"{date}: text lacks {item.Name}");
                Assert.True(email.Html.Contains(Encode(item.Title), StringComparison.Ordinal), $"{date}: html lacks {item.Name}");
            }

            Assert.EndsWith($"Unsubscribe: {Links.Unsubscribe.AbsoluteUri}\n", email.Text, StringComparison.Ordinal);
        }

        Assert.InRange(rendered, 2 * StudyCycle.Length, 3 * StudyCycle.Length);
    }

    private static string Encode(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // A width that is not a max-width, in pixels: nothing in the layout may be wider than the phone.
    [GeneratedRegex(@"(?<![-\w])width\s*:\s*(\d+)px")]
    private static partial Regex FixedWidth();
}
