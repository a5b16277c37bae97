namespace Mitzvah.Aws;

/// <summary>One function of the package: an event in, the invocation's result out.</summary>
internal interface ILambdaHandler : IDisposable
{
    /// <summary>Serves one invocation. An exception is reported to Lambda as the invocation's error.</summary>
    Task<Stream> Handle(Stream input, InvocationContext context);
}
