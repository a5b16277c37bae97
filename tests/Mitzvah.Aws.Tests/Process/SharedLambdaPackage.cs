using Mitzvah.Testing.Lambda;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Aws.Tests.Process;

/// <summary>The published package and the stand-ins (maildev among them), shared by every real-start test.</summary>
[CollectionDefinition(Name)]
public sealed class SharedLambdaPackage : ICollectionFixture<LambdaPackage>, ICollectionFixture<AwsStandIns>, ICollectionFixture<MaildevFixture>
{
    public const string Name = "lambda package";
}
