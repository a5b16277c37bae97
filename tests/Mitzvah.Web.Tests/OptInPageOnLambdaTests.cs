namespace Mitzvah.Web.Tests;

/// <summary>
/// The opt-in page's tests against the consent Lambda package, started as Lambda starts it, behind a Function URL
/// stand-in, with its DynamoDB tables in dynalite.
/// </summary>
[Collection(LambdaBrowserTests.Name)]
public sealed class OptInPageOnLambdaTests(BrowserFixture browser, LambdaConsentUrlFixture function)
    : OptInPageTests(browser, function);
