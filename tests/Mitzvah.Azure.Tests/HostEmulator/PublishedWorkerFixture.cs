using System.Diagnostics;
using System.Text.Json;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Azure.Tests.HostEmulator;

/// <summary>
/// <c>src/Mitzvah.Azure</c> published once per test run (<c>dotnet publish -c Release</c> into a temporary folder), and
/// what its <c>worker.config.json</c> tells the Functions host about starting it.
/// </summary>
public sealed class PublishedWorkerFixture : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mitzvah-tests", "azure-worker-" + Guid.NewGuid().ToString("N"));

    /// <summary>The published folder: the worker directory and the function app directory alike.</summary>
    public string Directory => _root;

    /// <summary><c>description.defaultExecutablePath</c>, e.g. <c>dotnet</c>.</summary>
    public string ExecutablePath { get; private set; } = "";

    /// <summary><c>description.defaultWorkerPath</c>, relative to <see cref="Directory"/>.</summary>
    public string WorkerPath { get; private set; } = "";

    /// <summary><c>description.workerIndexing</c>: the worker reports its functions itself.</summary>
    public bool WorkerIndexing { get; private set; }

    public async Task InitializeAsync()
    {
        var project = Path.Combine(RepositoryPaths.Root, "src", "Mitzvah.Azure", "Mitzvah.Azure.csproj");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", _root, "-v", "q", "-nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish of the Function app did not finish within {PublishTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of the Function app failed ({process.ExitCode}):\n{await output}\n{await error}");
        }

        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_root, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        ExecutablePath = description.GetProperty("defaultExecutablePath").GetString() ?? "";
        WorkerPath = description.GetProperty("defaultWorkerPath").GetString() ?? "";
        WorkerIndexing = description.TryGetProperty("workerIndexing", out var indexing)
            && string.Equals(indexing.ToString(), "true", StringComparison.OrdinalIgnoreCase);
    }

    public Task DisposeAsync()
    {
        if (System.IO.Directory.Exists(_root))
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The tests that start the published worker against the host emulator and the stand-ins.</summary>
[CollectionDefinition(Name)]
public sealed class PublishedWorker : ICollectionFixture<PublishedWorkerFixture>, ICollectionFixture<StandInsFixture>
{
    public const string Name = "Published Azure worker";
}
