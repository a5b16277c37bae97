using Microsoft.Extensions.Configuration;

namespace Mitzvah.Aws;

/// <summary>
/// What the package does once Lambda has started it: build the selected function, then serve one invocation after
/// another through the Runtime API until the environment is shut down.
/// </summary>
/// <remarks>
/// A start-up failure (a missing or bad setting) is posted to <c>/runtime/init/error</c> and ends the process; a
/// failed invocation is posted to its <c>/error</c> and the next one is served. Output is flushed before every post,
/// because Lambda may freeze the process as soon as it has the answer.
/// </remarks>
internal static class LambdaBootstrap
{
    private const string TraceVariable = "_X_AMZN_TRACE_ID";

    /// <summary>Runs until the Runtime API goes away; returns the process's exit code.</summary>
    public static async Task<int> RunAsync(string runtimeApi, IConfiguration configuration, Func<IConfiguration, ILambdaHandler> create)
    {
        using var runtime = new LambdaRuntimeClient(runtimeApi);
        try
        {
            return await ServeAllAsync(runtime, configuration, create).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            // Lambda is shutting the environment down (or never was there): nothing is left to serve or report to.
            await Console.Error.WriteLineAsync($"The Runtime API is gone: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ServeAllAsync(LambdaRuntimeClient runtime, IConfiguration configuration, Func<IConfiguration, ILambdaHandler> create)
    {
        ILambdaHandler handler;
        try
        {
            handler = create(configuration);
        }
#pragma warning disable CA1031 // Whatever stops the start-up is Lambda's to report; the process ends right after.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"The function could not start: {exception.Message}").ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
            await runtime.ReportInitErrorAsync(exception).ConfigureAwait(false);
            return 1;
        }

        using (handler)
        {
            while (true)
            {
                var invocation = await runtime.NextAsync().ConfigureAwait(false);
                await ServeAsync(runtime, handler, invocation).ConfigureAwait(false);
            }
        }
    }

    private static async Task ServeAsync(LambdaRuntimeClient runtime, ILambdaHandler handler, LambdaInvocation invocation)
    {
        var context = invocation.Context;
        // The AWS SDK reads the trace header from here to carry it into the calls the invocation makes.
        Environment.SetEnvironmentVariable(TraceVariable, context.TraceId);
        Stream result;
        try
        {
            using var input = new MemoryStream(invocation.Payload, writable: false);
            result = await handler.Handle(input, context).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed invocation is reported as its error; the environment serves the next one.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"Invocation {context.RequestId} failed: {exception.GetType().Name}: {exception.Message}").ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
            await runtime.ReportInvocationErrorAsync(context.RequestId, exception).ConfigureAwait(false);
            return;
        }

        await using (result.ConfigureAwait(false))
        {
            await FlushAsync().ConfigureAwait(false);
            await runtime.RespondAsync(context.RequestId, result).ConfigureAwait(false);
        }
    }

    private static async Task FlushAsync()
    {
        await Console.Out.FlushAsync().ConfigureAwait(false);
        await Console.Error.FlushAsync().ConfigureAwait(false);
    }
}
