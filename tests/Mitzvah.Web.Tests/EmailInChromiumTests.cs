using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Mitzvah.Core;
using Mitzvah.Core.Catalogue;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Messages;
using Mitzvah.Core.Study;

namespace Mitzvah.Web.Tests;

/// <summary>
/// The daily email's HTML (<see cref="EmailRenderer"/>) in a real headless Chromium on a 390 × 844 phone screen,
/// in the light and in the dark colour scheme: no horizontal scrolling, readable colours, every commandment shown,
/// and nothing fetched from anywhere.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed partial class EmailInChromiumTests(BrowserFixture browser)
{
    private const int PhoneWidth = 390;

    private static readonly EmailLinks Links = new()
    {
        Unsubscribe = new Uri("https://mitzvah.example/unsubscribe?token=0123456789abcdef0123456789abcdef0123456789abcdef"),
        Manage = new Uri("https://mitzvah.example/manage?token=0123456789abcdef0123456789abcdef0123456789abcdef"),
    };

    private readonly IBrowser _browser = browser.Browser;

    public static TheoryData<string, ColorScheme> Dates() => new()
    {
        { "2026-11-25", ColorScheme.Light },
        { "2026-11-25", ColorScheme.Dark },
        // The largest message of 1984-2239: Friday, Shemini Atzeret on Shabbat and Simchat Torah, 39 commandments.
        { "2081-10-24", ColorScheme.Light },
        { "2081-10-24", ColorScheme.Dark },
    };

    [Theory]
    [MemberData(nameof(Dates))]
    public async Task The_email_fits_a_phone_and_shows_every_commandment(string date, ColorScheme scheme)
    {
        var content = Content(date);
        await using var phone = await PhoneAsync();
        var (page, requests) = await OpenAsync(phone, EmailRenderer.Render(content, Links).Html, scheme);

        Assert.Equal(PhoneWidth, await page.EvaluateAsync<int>("document.documentElement.clientWidth"));
        Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, $"the page scrolls sideways: {await ScrollWidthAsync(page)} px");
        var text = await page.InnerTextAsync("body");
        foreach (var item in content.Days.SelectMany(day => day.Items).Where(item => !item.Continued))
        {
            Assert.Contains(item.Title, text, StringComparison.Ordinal);
            Assert.Equal(1, await page.Locator($"a[href=\"{item.Link.AbsoluteUri}\"]").CountAsync() - Continuations(content, item));
        }

        Assert.Equal(Links.Unsubscribe.AbsoluteUri, await page.GetByRole(AriaRole.Link, new() { Name = "Unsubscribe", Exact = true }).GetAttributeAsync("href"));
        Assert.Empty(requests);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"email-{date}-{scheme}.png".ToLowerInvariant()), FullPage = true });
    }

    [Fact]
    public async Task Text_contrasts_with_its_background_in_both_schemes_and_the_dark_one_is_dark()
    {
        var html = EmailRenderer.Render(Content("2026-11-27"), Links).Html;
        await using var phone = await PhoneAsync();
        var (light, _) = await OpenAsync(phone, html, ColorScheme.Light);
        var (dark, _) = await OpenAsync(phone, html, ColorScheme.Dark);

        var lightColours = await ColoursAsync(light);
        var darkColours = await ColoursAsync(dark);

        Assert.NotEqual(lightColours, darkColours);
        Assert.True(Luminance(darkColours.Page) < 0.05 && Luminance(darkColours.Card) < 0.05, $"dark mode is not dark: {darkColours}");
        Assert.True(Luminance(lightColours.Card) > 0.9, $"light mode is not light: {lightColours}");
        foreach (var colours in new[] { lightColours, darkColours })
        {
            Assert.True(Contrast(colours.Text, colours.Card) >= 7, $"body text: {colours}");
            Assert.True(Contrast(colours.Heading, colours.Card) >= 7, $"headings: {colours}");
            Assert.True(Contrast(colours.Muted, colours.Card) >= 4.5, $"secondary text: {colours}");
            Assert.True(Contrast(colours.Link, colours.Card) >= 4.5, $"links: {colours}");
        }
    }

    [Fact]
    public async Task An_unbreakable_title_wraps_instead_of_widening_the_page()
    {
        var content = Content("2026-11-25");
        var day = content.Days[0];
        var item = day.Items[0] with
        {
            Title = new string('W', 300),
            Verse = string.Concat(Enumerable.Repeat("Deuteronomy15:3", 20)),
            Link = new Uri("https://www.sefaria.org/" + new string('x', 400)),
        };
        var html = EmailRenderer.Render(content with { Days = [day with { Items = [item], EditionNote = new string('N', 300) }] }, Links).Html;
        await using var phone = await PhoneAsync();

        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            var (page, _) = await OpenAsync(phone, html, scheme);
            Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, $"{scheme}: the page scrolls sideways: {await ScrollWidthAsync(page)} px");
        }
    }

    private static DailyContent Content(string date)
    {
        var planner = new DeliveryPlanner(StudyCycle.Default, Options.Create(new ScheduleOptions { SkipRestDays = true }));
        return new DailyMessageComposer(MitzvahCatalogue.Default).ComposeContent(planner.Plan(DateOnly.Parse(date, CultureInfo.InvariantCulture)));
    }

    private static int Continuations(DailyContent content, ContentItem item) =>
        content.Days.SelectMany(day => day.Items).Count(other => other.Continued && other.Link == item.Link);

    private Task<IBrowserContext> PhoneAsync() => _browser.NewContextAsync(new()
    {
        ViewportSize = new() { Width = PhoneWidth, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
    });

    private static async Task<(IPage Page, List<string> Requests)> OpenAsync(IBrowserContext context, string html, ColorScheme scheme)
    {
        var page = await context.NewPageAsync();
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.EmulateMediaAsync(new() { ColorScheme = scheme });
        await page.SetContentAsync(html, new() { WaitUntil = WaitUntilState.Load });
        return (page, requests);
    }

    private static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("document.documentElement.scrollWidth");

    private static async Task<Colours> ColoursAsync(IPage page)
    {
        var values = await page.EvaluateAsync<string[]>(
            """
            () => {
              const style = selector => getComputedStyle(document.querySelector(selector));
              return [
                style('body').backgroundColor, style('.mz-card').backgroundColor, style('.mz-card > p').color,
                style('h2').color, style('.mz-muted').color, style('.mz-card a').color,
              ];
            }
            """);
        return new Colours(values[0], values[1], values[2], values[3], values[4], values[5]);
    }

    private static double Contrast(string foreground, string background)
    {
        var (a, b) = (Luminance(foreground), Luminance(background));
        return (Math.Max(a, b) + 0.05) / (Math.Min(a, b) + 0.05);
    }

    // WCAG relative luminance of a computed "rgb(r, g, b)" colour.
    private static double Luminance(string colour)
    {
        var match = RgbPattern().Match(colour);
        Assert.True(match.Success, $"not an opaque rgb() colour: {colour}");
        double Channel(int group)
        {
            var value = int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) / 255.0;
            return value <= 0.04045 ? value / 12.92 : Math.Pow((value + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(1)) + (0.7152 * Channel(2)) + (0.0722 * Channel(3));
    }

    [GeneratedRegex(@"^rgb\((\d+), (\d+), (\d+)\)$")]
    private static partial Regex RgbPattern();

    private sealed record Colours(string Page, string Card, string Text, string Heading, string Muted, string Link);
}
