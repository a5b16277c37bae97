namespace Mitzvah.DynamoDb.Tests;

/// <summary>The tests that share one <see cref="DynaliteFixture"/>; each still works on tables of its own.</summary>
[CollectionDefinition(Name)]
public sealed class SharedDynalite : ICollectionFixture<DynaliteFixture>
{
    public const string Name = "dynalite";
}
