namespace Mitzvah.TableStorage.Tests;

/// <summary>The xunit collection whose tests share one <see cref="AzuriteFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SharedAzurite : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
