using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;
using MimeKit;
using Mitzvah.Cli;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Mail;
using static Microsoft.Playwright.Assertions;
using static Mitzvah.Web.Tests.PageChecks;

namespace Mitzvah.Web.Tests;

/// <summary>
/// web/optin.html's email choices in a real headless Chromium against <c>mitzvah serve</c>, whose mails are
/// <c>.eml</c> files in its outbox: the sign-up, the confirmation mail, its link opened in the browser, and the
/// errors beside the fields. Each test uses its own address, so tests sharing the server do not see each other's rows.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class OptInPageEmailOnServeTests(BrowserFixture browser, LocalServerFixture server)
    : IClassFixture<LocalServerFixture>, IAsyncLifetime
{
    private const int PhoneWidth = 390;

    private readonly IBrowser _browser = browser.Browser;
    private IBrowserContext? _context;

    public async Task InitializeAsync() => _context = await _browser.NewContextAsync();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_email_sign_up_mails_one_confirmation_link_and_opening_it_confirms_the_subscription()
    {
        const string address = "reader.one@example.org";
        var page = await OpenAsync(_context!);
        await page.CheckAsync("#channel-email");
        await Expect(page.Locator("#phone")).ToBeHiddenAsync();
        await Expect(page.Locator("#unsubscribe")).ToBeHiddenAsync();

        await page.FillAsync("#email", address);
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        var status = page.Locator("#status");
        await Expect(status).ToContainTextAsync("We sent a confirmation link to r***@example.org");
        await Expect(status).ToHaveClassAsync(OkClass());
        await Expect(page.Locator("#confirm-step")).ToBeHiddenAsync();
        var subscriber = await server.Store.GetAsync("mailto:" + address);
        Assert.NotNull(subscriber);
        Assert.Equal(ConsentStatus.Pending, subscriber.Status);
        Assert.Equal(ConsentSource.WebForm, subscriber.Source);
        Assert.Equal("127.0.0.1", subscriber.Evidence.IpAddress);
        Assert.Contains("HeadlessChrome", subscriber.Evidence.UserAgent, StringComparison.Ordinal);
        Assert.Equal(address, subscriber.Evidence.Email);
        Assert.False(string.IsNullOrEmpty(subscriber.Evidence.ConsentTextVersion));

        var mail = Assert.Single(MailsTo(address));
        // The link points at this server's confirmation route.
        var confirmLink = Regex.Escape(new Uri(server.BaseAddress, RoutePaths.EmailConfirm).AbsoluteUri) + @"\?token=[^\s""<>]+";
        var link = Regex.Match(mail.TextBody ?? string.Empty, confirmLink, RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(link.Success, $"no link to {RoutePaths.EmailConfirm} in the mail: {mail.TextBody}");

        // Opening the link only asks: a mail scanner that follows it confirms nothing.
        await page.GotoAsync(link.Value);
        var confirm = page.GetByRole(AriaRole.Button, new() { Name = "Confirm my subscription" });
        await Expect(confirm).ToBeVisibleAsync();
        Assert.Equal(ConsentStatus.Pending, (await server.Store.GetAsync("mailto:" + address))!.Status);

        await confirm.ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync("Subscription confirmed");
        await Expect(page.Locator("#message")).ToContainTextAsync("confirmed");
        var confirmed = await server.Store.GetAsync("mailto:" + address);
        Assert.NotNull(confirmed);
        Assert.Equal(ConsentStatus.OptedIn, confirmed.Status);
        Assert.True(confirmed.IsEmailConfirmed);
        Assert.Single(MailsTo(address));
    }

    [Fact]
    public async Task An_invalid_address_shows_the_servers_error_beside_the_email_field_and_stores_nothing()
    {
        // Passes the browser's own check of an email field, but the server wants a domain like example.org.
        const string address = "reader.two@example";
        var page = await OpenAsync(_context!);
        var consentPosts = CountConsentPosts(page);
        var pendingBefore = await server.Store.CountAsync(ConsentStatus.Pending);
        await page.CheckAsync("#channel-email");

        await page.FillAsync("#email", address);
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        var error = page.Locator("#email-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("the part after @ must be a domain like example.org");
        await Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#status")).ToHaveClassAsync(ErrorClass());
        Assert.Equal(1, consentPosts());
        Assert.Equal(pendingBefore, await server.Store.CountAsync(ConsentStatus.Pending));
        Assert.Empty(MailsTo(address));

        // Correcting the address clears the error.
        await page.FillAsync("#email", "reader.two@example.org");
        await Expect(error).ToBeHiddenAsync();
        await Expect(page.Locator("#email")).ToHaveAttributeAsync("aria-invalid", "false");
    }

    [Fact]
    public async Task Both_channels_need_the_number_too_and_then_sign_up_the_number_and_the_address()
    {
        const string address = "reader.three@example.org";
        var page = await OpenAsync(_context!);
        var consentPosts = CountConsentPosts(page);
        await page.CheckAsync("#channel-both");
        await Expect(page.Locator("#phone")).ToBeVisibleAsync();
        await Expect(page.Locator("#email")).ToBeVisibleAsync();

        await page.FillAsync("#email", address);
        await page.CheckAsync("#consent");
        await page.ClickAsync("#submit");

        // The browser stops the empty number before the form is sent, and the page says why beside the field.
        await Expect(page.Locator("#phone-error")).ToHaveTextAsync("Please enter your phone number.");
        await Expect(page.Locator("#phone")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(0, consentPosts());
        Assert.Null(await server.Store.GetAsync("mailto:" + address));

        await page.FillAsync("#phone", "+1 415 555 2691");
        await Expect(page.Locator("#phone-error")).ToBeHiddenAsync();
        await page.ClickAsync("#submit");

        var status = page.Locator("#status");
        await Expect(status).ToHaveClassAsync(OkClass());
        await Expect(status).ToContainTextAsync("We sent a confirmation link to r***@example.org");
        await Expect(status).ToContainTextAsync("send JOIN MITZVAH to +14155550100");
        Assert.Equal(1, consentPosts());
        var number = await server.Store.GetAsync("+14155552691");
        Assert.NotNull(number);
        Assert.Equal(ConsentStatus.Pending, number.Status);
        Assert.Single(MailsTo(address));
    }

    [Fact]
    public async Task The_page_with_the_email_choice_fits_a_phone_screen()
    {
        await using var phone = await _browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = PhoneWidth, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        var page = await OpenAsync(phone);

        foreach (var channel in new[] { "whatsapp", "email", "both", "fallback" })
        {
            await page.TapAsync($"#channel-{channel}");
            foreach (var selector in new[] { "#channel-fallback + label", "#submit", channel == "whatsapp" ? "#phone" : "#email" })
            {
                var box = await page.Locator(selector).BoundingBoxAsync();
                Assert.NotNull(box);
                Assert.True(box.X >= 0 && box.X + box.Width <= PhoneWidth, $"{channel}: {selector} is outside the screen: {box.X} + {box.Width}");
            }

            Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, $"{channel}: the page scrolls sideways: {await ScrollWidthAsync(page)} px");
        }

        await page.TapAsync("#channel-email");
        await page.FillAsync("#email", "reader.four@example.org");
        await page.CheckAsync("#consent");
        await page.TapAsync("#submit");
        await Expect(page.Locator("#status")).ToHaveClassAsync(OkClass());
        Assert.True(await ScrollWidthAsync(page) <= PhoneWidth, $"after the answer the page scrolls sideways: {await ScrollWidthAsync(page)} px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "optin-email-mobile.png"), FullPage = true });
    }

    [Fact]
    public async Task Without_mail_the_page_offers_whatsapp_only()
    {
        var configuration = CliServices.Configuration(new Dictionary<string, string?>
        {
            ["TWILIO_WHATSAPP_NUMBER"] = LocalServerFixture.WhatsAppNumber,
        });
        var databasePath = Path.Combine(Path.GetTempPath(), $"mitzvah-web-{Guid.NewGuid():N}.db");
        var noMail = await LocalServer.StartAsync(configuration, databasePath, port: 0, TextWriter.Null, services => services.RemoveAll<IMailSender>());
        try
        {
            var page = await _context!.NewPageAsync();
            await page.GotoAsync(noMail.BaseAddress.ToString());
            await Expect(page.Locator("#form-fields")).Not.ToBeDisabledAsync();

            await Expect(page.Locator("#channel-choice")).ToBeHiddenAsync();
            await Expect(page.Locator("#email")).ToBeHiddenAsync();
            await Expect(page.Locator("#phone")).ToBeVisibleAsync();
            await Expect(page.Locator("#title")).ToHaveTextAsync("Daily Mitzvah on WhatsApp");
        }
        finally
        {
            await noMail.DisposeAsync();
            foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + ".mail-secret" })
            {
                File.Delete(file);
            }
        }
    }

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await Expect(page.Locator("#form-fields")).Not.ToBeDisabledAsync();
        await Expect(page.Locator("#channel-choice")).ToBeVisibleAsync();
        return page;
    }

    // The server's mails to one address, parsed as a mail program would read them.
    private List<MimeMessage> MailsTo(string address) =>
        !Directory.Exists(server.MailFolder)
            ? []
            : [.. Directory.GetFiles(server.MailFolder, "*.eml", SearchOption.AllDirectories)
                .Select(path => MimeMessage.Load(path))
                .Where(message => message.To.Mailboxes.Any(to => string.Equals(to.Address, address, StringComparison.OrdinalIgnoreCase)))];

    private static Task<int> ScrollWidthAsync(IPage page) => page.EvaluateAsync<int>("document.documentElement.scrollWidth");
}
