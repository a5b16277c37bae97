namespace Mitzvah.Aws;

/// <summary>What Lambda's Runtime API says about one invocation, beside its event.</summary>
public sealed record InvocationContext
{
    /// <summary>The invocation's id (<c>Lambda-Runtime-Aws-Request-Id</c>), as it appears in the function's logs.</summary>
    public required string RequestId { get; init; }

    /// <summary>
    /// When Lambda stops the invocation (<c>Lambda-Runtime-Deadline-Ms</c>): the function's timeout, measured from
    /// the invocation's start. The only timeout a function can see; no environment variable carries it.
    /// </summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>The ARN the caller invoked, alias or version included (<c>Lambda-Runtime-Invoked-Function-Arn</c>).</summary>
    public required string InvokedFunctionArn { get; init; }

    /// <summary>The X-Ray trace header (<c>Lambda-Runtime-Trace-Id</c>), or <see langword="null"/> when none was sent.</summary>
    public string? TraceId { get; init; }
}
