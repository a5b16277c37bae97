namespace Mitzvah.Web.Tests;

/// <summary>The opt-in page's tests against <c>mitzvah serve</c> and its SQLite store.</summary>
[Collection(BrowserTests.Name)]
public sealed class OptInPageOnServeTests(BrowserFixture browser, LocalServerFixture server)
    : OptInPageTests(browser, server), IClassFixture<LocalServerFixture>;
