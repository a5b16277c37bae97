using Microsoft.Extensions.Configuration;

namespace Mitzvah.Aws;

/// <summary>
/// The executable Lambda's <c>dotnet10</c> runtime starts for <c>Handler: Mitzvah.Aws</c>
/// (<c>dotnet exec /var/task/Mitzvah.Aws.dll</c>): it serves the function <c>MITZVAH_FUNCTION</c> names.
/// </summary>
internal static class Program
{
    private const string RuntimeApiVariable = "AWS_LAMBDA_RUNTIME_API";

    public static async Task<int> Main()
    {
        var runtimeApi = Environment.GetEnvironmentVariable(RuntimeApiVariable);
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            await Console.Error.WriteLineAsync($"{RuntimeApiVariable} is not set: this program is started by AWS Lambda (see aws/README.md).").ConfigureAwait(false);
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        return await LambdaBootstrap.RunAsync(runtimeApi, configuration, LambdaFunctions.Create).ConfigureAwait(false);
    }
}
