namespace Mitzvah.Aws;

/// <summary>Lambda handler of the consent Function URL.</summary>
public sealed class ConsentHandler
{
    /// <summary>Lambda entry point.</summary>
    public Task<Stream> Handle(Stream input) => throw new NotSupportedException("Built with the AWS host.");
}
