using System.Diagnostics;
using System.Text;

namespace Mitzvah.Testing.Lambda;

/// <summary>
/// The package started as the <c>dotnet10</c> runtime starts an executable handler: <c>dotnet exec
/// /var/task/Mitzvah.Aws.dll</c> in the package's folder, with only the environment Lambda sets plus the function's
/// own variables, against a Runtime API stand-in. Killed on dispose.
/// </summary>
public sealed class LambdaProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _output = new();

    private LambdaProcess(System.Diagnostics.Process process) => _process = process;

    /// <summary>What the function wrote to stdout and stderr so far (its CloudWatch log), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static LambdaProcess Start(LambdaPackage package, LambdaRuntimeApi runtimeApi, string functionName, IReadOnlyDictionary<string, string?> functionVariables)
    {
        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = package.Directory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(package.EntryAssembly);
        start.Environment.Clear();
        foreach (var (name, value) in LambdaEnvironment(package, runtimeApi, functionName).Concat(functionVariables))
        {
            if (value is not null)
            {
                start.Environment[name] = value;
            }
        }

        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var started = new LambdaProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The variables Lambda sets for every function (PLATFORMS.md), with fake credentials.</summary>
    private static Dictionary<string, string?> LambdaEnvironment(LambdaPackage package, LambdaRuntimeApi runtimeApi, string functionName) => new()
    {
        ["PATH"] = Environment.GetEnvironmentVariable("PATH"),
        ["DOTNET_ROOT"] = Environment.GetEnvironmentVariable("DOTNET_ROOT"),
        ["LANG"] = "en_US.UTF-8",
        ["TZ"] = ":UTC",
        ["AWS_LAMBDA_RUNTIME_API"] = runtimeApi.Address,
        ["LAMBDA_TASK_ROOT"] = package.Directory,
        ["LAMBDA_RUNTIME_DIR"] = "/var/runtime",
        ["_HANDLER"] = "Mitzvah.Aws",
        ["AWS_EXECUTION_ENV"] = "AWS_Lambda_dotnet10",
        ["AWS_LAMBDA_FUNCTION_NAME"] = functionName,
        ["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST",
        ["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = "512",
        ["AWS_LAMBDA_LOG_GROUP_NAME"] = $"/aws/lambda/mitzvah/{functionName}",
        ["AWS_LAMBDA_LOG_STREAM_NAME"] = $"2026/11/25/[$LATEST]{Guid.NewGuid():N}",
        ["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLEEXAMPLE00",
        ["AWS_SECRET_ACCESS_KEY"] = "fake-secret-access-key",
        ["AWS_SESSION_TOKEN"] = "fake-session-token",
    };

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
