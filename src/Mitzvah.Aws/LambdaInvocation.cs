namespace Mitzvah.Aws;

/// <summary>One event taken from the Runtime API: its payload and its context.</summary>
internal sealed record LambdaInvocation
{
    public required byte[] Payload { get; init; }

    public required InvocationContext Context { get; init; }
}
