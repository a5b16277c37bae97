using System.Text.Json;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Mail;

namespace Mitzvah.Core.Tests.Endpoints;

/// <summary>The opt-in page and its settings, served by Core so every host serves the same page.</summary>
public sealed class OptInRoutesTests
{
    [Fact]
    public async Task The_page_is_served_at_the_root_with_a_short_cache()
    {
        using var core = new CoreEndpoints();

        var page = await core.SendAsync("GET", RoutePaths.OptInPage);
        var alias = await core.SendAsync("GET", "/optin.html");

        Assert.Equal(200, page.StatusCode);
        Assert.StartsWith("text/html", page.ContentType, StringComparison.Ordinal);
        Assert.Contains("fetch(\"config.json\"", page.Body, StringComparison.Ordinal);
        Assert.Equal("public, max-age=300", page.Headers["Cache-Control"]);
        Assert.Equal(page.Body, alias.Body);
    }

    [Fact]
    public async Task The_settings_point_at_the_same_origin_consent_endpoint_and_carry_the_web_token_when_set()
    {
        using var core = new CoreEndpoints(new Dictionary<string, string?> { ["WEBHOOK_TOKEN"] = "web-form-token-9876" });

        var response = await core.SendAsync("GET", RoutePaths.OptInConfig);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("no-cache", response.Headers["Cache-Control"]);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal(RoutePaths.Consent, json.RootElement.GetProperty("consentUrl").GetString());
        Assert.Equal("web-form-token-9876", json.RootElement.GetProperty("webhookToken").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("consentText").GetString()));
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("consentVersion").GetString()));
    }

    [Fact]
    public async Task Without_a_web_token_the_settings_say_so_and_the_page_refuses_other_methods()
    {
        using var core = new CoreEndpoints();

        var config = await core.SendAsync("GET", RoutePaths.OptInConfig);
        var post = await core.SendAsync("POST", RoutePaths.OptInPage, "text/plain", "x");

        using var json = JsonDocument.Parse(config.Body);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("webhookToken").ValueKind);
        Assert.Equal(405, post.StatusCode);
        Assert.Equal("GET, HEAD", post.Headers["Allow"]);
    }

    [Fact]
    public async Task The_settings_offer_email_only_where_mail_can_be_sent()
    {
        using var withMail = new MailEndpoints();
        using var withoutSender = new MailEndpoints(withSender: false);

        using var on = JsonDocument.Parse((await withMail.Core.SendAsync("GET", RoutePaths.OptInConfig)).Body);
        using var off = JsonDocument.Parse((await withoutSender.Core.SendAsync("GET", RoutePaths.OptInConfig)).Body);

        Assert.True(on.RootElement.GetProperty("email").GetBoolean());
        Assert.False(off.RootElement.GetProperty("email").GetBoolean());
        Assert.Empty(withMail.Mail.Sends);
    }
}
