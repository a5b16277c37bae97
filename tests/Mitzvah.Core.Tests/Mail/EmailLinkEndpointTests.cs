using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;

namespace Mitzvah.Core.Tests.Mail;

/// <summary>The confirmation and unsubscribe pages, through Core's router.</summary>
public sealed class EmailLinkEndpointTests : IDisposable
{
    private const string Form = "application/x-www-form-urlencoded";
    private static readonly string DinaKey = AddressKey.ForEmail(MailEndpoints.Dina);
    private static readonly KeyValuePair<string, string>[] Client = [KeyValuePair.Create("User-Agent", "Mail/2.0"), KeyValuePair.Create("X-Forwarded-For", "198.51.100.4")];
    private readonly MailEndpoints _mail = new();

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task Opening_a_confirmation_link_shows_a_button_that_posts_it_and_changes_nothing()
    {
        var token = await _mail.SignUpAsync();
        var before = await _mail.Store.GetAsync(DinaKey);

        var page = await GetAsync(RoutePaths.EmailConfirm, token);

        Assert.Equal(200, page.StatusCode);
        AssertPrivateHtml(page);
        Assert.Contains("<form method=\"post\" action=\"/api/email/confirm?token=", page.Body, StringComparison.Ordinal);
        Assert.Contains("Confirm my subscription", page.Body, StringComparison.Ordinal);
        Assert.Contains("d***@example.org", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(MailEndpoints.Dina, page.Body, StringComparison.Ordinal);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
    }

    [Fact]
    public async Task Posting_the_confirmation_opts_the_address_in_with_the_clients_evidence()
    {
        var token = await _mail.SignUpAsync();

        var response = await PostAsync(RoutePaths.EmailConfirm, token, "List-Unsubscribe=One-Click&via=page");

        Assert.Equal(200, response.StatusCode);
        AssertPrivateHtml(response);
        Assert.Contains("Subscription confirmed", response.Body, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await _mail.Store.GetAsync(DinaKey))?.Status);
        var entry = (await _mail.Store.GetHistoryAsync(DinaKey))[^1];
        Assert.Equal(("198.51.100.4", "Mail/2.0"), (entry.Evidence.IpAddress, entry.Evidence.UserAgent));

        var again = await PostAsync(RoutePaths.EmailConfirm, token, string.Empty);
        Assert.Equal(200, again.StatusCode);
        Assert.Contains("confirmed already", again.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Opening_an_unsubscribe_link_shows_a_button_and_posting_it_unsubscribes()
    {
        await _mail.ConfirmedAsync();
        var token = _mail.UnsubscribeToken(DinaKey);

        var page = await GetAsync(RoutePaths.Unsubscribe, token);

        Assert.Equal(200, page.StatusCode);
        AssertPrivateHtml(page);
        Assert.Contains("<form method=\"post\" action=\"/api/unsubscribe?token=", page.Body, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedIn, (await _mail.Store.GetAsync(DinaKey))?.Status);

        var posted = await PostAsync(RoutePaths.Unsubscribe, token, "List-Unsubscribe=One-Click&via=page");

        Assert.Equal(200, posted.StatusCode);
        Assert.Contains("Unsubscribed", posted.Body, StringComparison.Ordinal);
        Assert.Equal(ConsentStatus.OptedOut, (await _mail.Store.GetAsync(DinaKey))?.Status);
        Assert.Equal("unsubscribe page", (await _mail.Store.GetHistoryAsync(DinaKey))[^1].Evidence.Note);
    }

    [Fact]
    public async Task A_mail_clients_one_click_post_unsubscribes_at_once()
    {
        await _mail.ConfirmedAsync();

        var response = await PostAsync(RoutePaths.Unsubscribe, _mail.UnsubscribeToken(DinaKey), "List-Unsubscribe=One-Click");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ConsentStatus.OptedOut, (await _mail.Store.GetAsync(DinaKey))?.Status);
        var entry = (await _mail.Store.GetHistoryAsync(DinaKey))[^1];
        Assert.Equal(("one-click unsubscribe", MailEndpoints.Dina, "198.51.100.4"), (entry.Evidence.Note, entry.Evidence.Email, entry.Evidence.IpAddress));
    }

    [Theory]
    [InlineData(RoutePaths.EmailConfirm, "GET")]
    [InlineData(RoutePaths.EmailConfirm, "POST")]
    [InlineData(RoutePaths.Unsubscribe, "GET")]
    [InlineData(RoutePaths.Unsubscribe, "POST")]
    public async Task A_changed_or_missing_token_is_400_and_changes_nothing(string path, string method)
    {
        var token = await _mail.SignUpAsync();
        var before = await _mail.Store.GetAsync(DinaKey);
        var changed = (token[0] == 'A' ? "B" : "A") + token[1..];

        var tampered = await _mail.Core.SendAsync(method, path, Form, "List-Unsubscribe=One-Click", Client, "token=" + Uri.EscapeDataString(changed));
        var missing = await _mail.Core.SendAsync(method, path, Form, "List-Unsubscribe=One-Click", Client);

        Assert.Equal((400, 400), (tampered.StatusCode, missing.StatusCode));
        AssertPrivateHtml(tampered);
        Assert.Contains("not valid", tampered.Body, StringComparison.Ordinal);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task An_expired_confirmation_is_410_and_changes_nothing(string method)
    {
        var token = await _mail.SignUpAsync();
        var before = await _mail.Store.GetAsync(DinaKey);
        _mail.Core.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var response = await _mail.Core.SendAsync(method, RoutePaths.EmailConfirm, Form, string.Empty, Client, "token=" + Uri.EscapeDataString(token));

        Assert.Equal(410, response.StatusCode);
        AssertPrivateHtml(response);
        Assert.Contains("expired", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", response.Body, StringComparison.Ordinal);
        Assert.Equal(before, await _mail.Store.GetAsync(DinaKey));
    }

    [Theory]
    [InlineData(RoutePaths.EmailConfirm)]
    [InlineData(RoutePaths.Unsubscribe)]
    public async Task Other_methods_are_405_naming_the_allowed_ones(string path)
    {
        var response = await _mail.Core.SendAsync("PUT", path, Form, string.Empty, Client, "token=abc");

        Assert.Equal(405, response.StatusCode);
        Assert.StartsWith("text/html", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("GET, HEAD, POST", response.Headers["Allow"]);
    }

    [Theory]
    [InlineData(RoutePaths.EmailConfirm, "GET")]
    [InlineData(RoutePaths.Unsubscribe, "POST")]
    public async Task Where_mail_is_not_set_up_the_pages_are_503(string path, string method)
    {
        using var off = new MailEndpoints(withSender: false);

        var response = await off.Core.SendAsync(method, path, Form, "List-Unsubscribe=One-Click", Client, "token=abc");

        Assert.Equal(503, response.StatusCode);
        AssertPrivateHtml(response);
        Assert.Contains("not available", response.Body, StringComparison.Ordinal);
    }

    private static void AssertPrivateHtml(EndpointResponse response)
    {
        Assert.Equal("text/html; charset=utf-8", response.ContentType);
        Assert.Equal("no-store", response.Headers["Cache-Control"]);
        Assert.StartsWith("<!DOCTYPE html>", response.Body, StringComparison.Ordinal);
    }

    private Task<EndpointResponse> GetAsync(string path, string token) =>
        _mail.Core.SendAsync("GET", path, headers: Client, query: "token=" + Uri.EscapeDataString(token));

    private Task<EndpointResponse> PostAsync(string path, string token, string body) =>
        _mail.Core.SendAsync("POST", path, Form, body, Client, "token=" + Uri.EscapeDataString(token));
}
