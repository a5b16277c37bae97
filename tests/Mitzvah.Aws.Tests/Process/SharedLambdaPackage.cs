using Mitzvah.Testing.Lambda;

namespace Mitzvah.Aws.Tests.Process;

/// <summary>The published package and the stand-ins, shared by every real-start test.</summary>
[CollectionDefinition(Name)]
public sealed class SharedLambdaPackage : ICollectionFixture<LambdaPackage>, ICollectionFixture<AwsStandIns>
{
    public const string Name = "lambda package";
}
