namespace Mitzvah.Web.Tests;

/// <summary>
/// The browser tests of the Lambda package: their own browser and the one published package, so they run beside the
/// <see cref="BrowserTests"/> collection while the package is published.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LambdaBrowserTests : ICollectionFixture<BrowserFixture>, ICollectionFixture<LambdaConsentUrlFixture>
{
    public const string Name = "Browser on Lambda";
}
