using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Mitzvah.Cli;
using Mitzvah.Core.Consent;
using static Microsoft.Playwright.Assertions;
using static Mitzvah.Web.Tests.PageChecks;

namespace Mitzvah.Web.Tests;

/// <summary>
/// web/optin.html in a real headless Chromium against a real host and its store, once per host: the local server
/// (<see cref="OptInPageOnServeTests"/>) and the consent Lambda package behind a Function URL stand-in
/// (<see cref="OptInPageOnLambdaTests"/>). Each test uses its own phone number, so tests sharing a host do not see
/// each other's rows. No test relies on something only one host has.
/// </summary>
public abstract class OptInPageTests : IAsyncLifetime
{

    private readonly IBrowser _browser;
    private readonly IOptInPageHost _server;
    private IBrowserContext? _context;

    protected OptInPageTests(BrowserFixture browser, IOptInPageHost server)
    {
        _browser = browser.Browser;
        _server = server;
    }

    public async Task InitializeAsync() => _context = await _browser.NewContextAsync();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_subscription_asks_to_confirm_on_whatsapp_and_is_stored_pending_with_web_form_evidence()
    {
        var page = await OpenAsync(_context!);
        await Expect(page.Locator("#confirm-step")).ToBeHiddenAsync();

        await page.FillAsync("#phone", "+1 415 555 2671");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        var status = page.Locator("#status");
        await Expect(status).ToContainTextAsync("send JOIN MITZVAH to +14155550100");
        await Expect(status).ToHaveClassAsync(OkClass());
        await Expect(page.Locator("#confirm-step")).ToBeVisibleAsync();
        await Expect(page.Locator("#confirm-link")).ToHaveAttributeAsync("href", "https://wa.me/14155550100?text=JOIN%20MITZVAH");
        var subscriber = await _server.Store.GetAsync("+14155552671");
        Assert.NotNull(subscriber);
        Assert.Equal(ConsentStatus.Pending, subscriber.Status);
        Assert.Equal(ConsentSource.WebForm, subscriber.Source);
        Assert.False(string.IsNullOrEmpty(subscriber.Evidence.ConsentTextVersion));
        Assert.Matches("Chrome|Headless", subscriber.Evidence.UserAgent);
        Assert.Equal("127.0.0.1", subscriber.Evidence.IpAddress);
        var history = await _server.Store.GetHistoryAsync("+14155552671");
        Assert.Equal(ConsentStatus.Pending, Assert.Single(history).Status);
        Assert.Equal(0, await _server.Store.CountAsync(ConsentStatus.OptedIn));
    }

    [Fact]
    public async Task The_chosen_send_time_zone_and_calendar_are_stored_with_the_sign_up()
    {
        await using var context = await _browser.NewContextAsync(new() { TimezoneId = "Asia/Jerusalem" });
        var page = await OpenAsync(context);

        // Pre-filled from the browser's zone, the calendar following it, and the operator's send time.
        await Expect(page.Locator("#time-zone")).ToHaveValueAsync("Asia/Jerusalem");
        await Expect(page.Locator("#calendar")).ToHaveValueAsync("israel");
        await Expect(page.Locator("#send-time")).ToHaveValueAsync("10:00");
        Assert.Equal(96, await page.Locator("#send-time option").CountAsync());

        await page.FillAsync("#phone", "+1 415 555 2675");
        await page.SelectOptionAsync("#send-time", "07:45");
        await page.SelectOptionAsync("#time-zone", "Europe/Helsinki");
        await Expect(page.Locator("#calendar")).ToHaveValueAsync("diaspora");
        await page.SelectOptionAsync("#calendar", "israel");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        await Expect(page.Locator("#status")).ToHaveClassAsync(OkClass());
        var subscriber = await _server.Store.GetAsync("+14155552675");
        Assert.NotNull(subscriber);
        Assert.Equal(ConsentStatus.Pending, subscriber.Status);
        Assert.Equal(
            new DeliveryPreferences { TimeZone = "Europe/Helsinki", SendTime = new TimeOnly(7, 45), Calendar = Core.Calendar.FestivalCalendar.Israel },
            subscriber.Preferences);
    }

    [Fact]
    public async Task A_sign_up_that_keeps_the_pre_filled_choices_stores_the_browsers_zone()
    {
        await using var context = await _browser.NewContextAsync(new() { TimezoneId = "America/New_York" });
        var page = await OpenAsync(context);
        await Expect(page.Locator("#calendar")).ToHaveValueAsync("diaspora");

        await page.FillAsync("#phone", "+1 415 555 2676");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        await Expect(page.Locator("#status")).ToHaveClassAsync(OkClass());
        var subscriber = await _server.Store.GetAsync("+14155552676");
        Assert.NotNull(subscriber);
        Assert.Equal(
            new DeliveryPreferences { TimeZone = "America/New_York", SendTime = new TimeOnly(10, 0), Calendar = Core.Calendar.FestivalCalendar.Diaspora },
            subscriber.Preferences);
    }

    [Fact]
    public async Task Too_many_sign_ups_from_one_address_show_a_readable_error_and_store_nothing()
    {
        var configuration = CliServices.Configuration(new Dictionary<string, string?>
        {
            ["TWILIO_WHATSAPP_NUMBER"] = LocalServerFixture.WhatsAppNumber,
            ["MITZVAH_WEB_OPTINS_PER_HOUR"] = "1",
        });
        var databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-web-{Guid.NewGuid():N}.db");
        var server = await LocalServer.StartAsync(configuration, databasePath, port: 0, TextWriter.Null);
        try
        {
            var page = await _context!.NewPageAsync();
            await page.GotoAsync(new Uri(server.BaseAddress, "optin.html").ToString());
            await Expect(page.Locator("#form-fields")).Not.ToBeDisabledAsync();
            await page.FillAsync("#phone", "+1 415 555 2681");
            await page.CheckAsync("#consent");
            await page.ClickAsync("#submit");
            await Expect(page.Locator("#confirm-step")).ToBeVisibleAsync();

            await page.FillAsync("#phone", "+1 415 555 2682");
            await page.ClickAsync("#submit");

            var status = page.Locator("#status");
            await Expect(status).ToContainTextAsync("Too many sign-ups");
            await Expect(status).ToContainTextAsync("try again in");
            await Expect(status).ToHaveClassAsync(ErrorClass());
            await Expect(page.Locator("#confirm-step")).ToBeHiddenAsync();
            Assert.Null(await server.Services.GetRequiredService<ISubscriberStore>().GetAsync("+14155552682"));
        }
        finally
        {
            await server.DisposeAsync();
            foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task An_invalid_number_shows_the_servers_error_and_stores_nothing()
    {
        var page = await OpenAsync(_context!);
        var consentPosts = CountConsentPosts(page);

        // Passes the page's own check (11 digits) but 123 is no North American area code.
        await page.FillAsync("#phone", "+1 123 456 7890");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        var status = page.Locator("#status");
        await Expect(status).ToContainTextAsync("not a valid phone number");
        await Expect(status).ToHaveClassAsync(ErrorClass());
        Assert.Equal(1, consentPosts());
        Assert.Null(await _server.Store.GetAsync("+11234567890"));
        Assert.Empty(await _server.Store.GetHistoryAsync("+11234567890"));
    }

    [Fact]
    public async Task An_unchecked_consent_box_keeps_the_form_from_being_sent()
    {
        var page = await OpenAsync(_context!);
        var consentPosts = CountConsentPosts(page);

        await page.FillAsync("#phone", "+1 415 555 2672");
        await page.ClickAsync("#submit");
        await page.WaitForTimeoutAsync(500);

        Assert.Equal(0, consentPosts());
        Assert.True(await page.EvaluateAsync<bool>("document.getElementById('consent').validity.valueMissing"));
        Assert.Null(await _server.Store.GetAsync("+14155552672"));
        Assert.Empty(await _server.Store.GetHistoryAsync("+14155552672"));
    }

    [Fact]
    public async Task The_whatsapp_link_comes_from_config_json()
    {
        var page = await OpenAsync(_context!);

        var link = page.Locator("#whatsapp-link");
        await Expect(link).ToBeVisibleAsync();
        var href = await link.GetAttributeAsync("href");
        Assert.NotNull(href);
        Assert.StartsWith("https://wa.me/14155550100", href, StringComparison.Ordinal);
        Assert.Contains("JOIN", href, StringComparison.Ordinal);
        await Expect(page.Locator("#wa-number")).ToHaveTextAsync(LocalServerFixture.WhatsAppNumber);
        await Expect(page.Locator("#consent-label")).Not.ToHaveTextAsync("Loading consent text…");
    }

    [Fact]
    public async Task Unsubscribe_opts_the_number_out()
    {
        var page = await OpenAsync(_context!);
        await page.FillAsync("#phone", "(415) 555-2673");
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");
        var status = page.Locator("#status");
        await Expect(status).ToContainTextAsync("Almost done");

        await page.ClickAsync("#unsubscribe");

        await Expect(status).ToContainTextAsync("unsubscribed");
        await Expect(status).ToHaveClassAsync(OkClass());
        var subscriber = await _server.Store.GetAsync("+14155552673");
        Assert.NotNull(subscriber);
        Assert.Equal(ConsentStatus.OptedOut, subscriber.Status);
        Assert.Equal(ConsentSource.WebForm, subscriber.Source);
        Assert.Equal(
            [ConsentStatus.Pending, ConsentStatus.OptedOut],
            (await _server.Store.GetHistoryAsync("+14155552673")).Select(entry => entry.Status));
    }

    [Fact]
    public async Task The_page_fits_a_phone_screen()
    {
        await using var phone = await _browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        var page = await OpenAsync(phone);

        var submit = await page.Locator("#submit").BoundingBoxAsync();
        Assert.NotNull(submit);
        Assert.InRange(submit.X, 0, 390);
        Assert.InRange(submit.X + submit.Width, 0, 390);
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);

        await page.FillAsync("#phone", "+1 415 555 2674");
        await page.CheckAsync("#consent");
        await page.TapAsync("#submit");
        await Expect(page.Locator("#status")).ToHaveClassAsync(OkClass());
        Assert.True(await page.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), $"optin-mobile-{GetType().Name}.png"), FullPage = true });
    }

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        // The root, as users are given it (a Function URL serves the page there).
        await page.GotoAsync(_server.BaseAddress.ToString());
        // The fields stay disabled until config.json has loaded.
        await Expect(page.Locator("#form-fields")).Not.ToBeDisabledAsync();
        return page;
    }
}
