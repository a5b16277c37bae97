using System.Diagnostics;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Testing.Lambda;

/// <summary>
/// <c>src/Mitzvah.Aws</c> published as <c>sam build</c> packages it for the <c>dotnet10</c> runtime (framework-dependent,
/// linux-x64), once for the whole test run, into a temporary folder of its own (its own build output too, so the
/// publish never touches the tree other builds use). When <see cref="SharedPackageVariable"/> names a folder that
/// holds a package published the same way (CI publishes once for every test assembly), that folder is used as it is.
/// </summary>
public sealed class LambdaPackage : IAsyncLifetime
{
    /// <summary>The variable naming an already published package folder.</summary>
    public const string SharedPackageVariable = "MITZVAH_TEST_LAMBDA_PACKAGE";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "mitzvah-lambda-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string? _shared = Environment.GetEnvironmentVariable(SharedPackageVariable) is { Length: > 0 } shared ? Path.GetFullPath(shared) : null;

    /// <summary>The package's folder: what Lambda unpacks to <c>/var/task</c>.</summary>
    public string Directory => _shared ?? Path.Combine(_root, "package");

    /// <summary>The entry assembly, as the runtime names it from <c>Handler: Mitzvah.Aws</c>.</summary>
    public string EntryAssembly => Path.Combine(Directory, "Mitzvah.Aws.dll");

    public async Task InitializeAsync()
    {
        if (_shared is not null)
        {
            if (!File.Exists(EntryAssembly))
            {
                throw new InvalidOperationException($"{SharedPackageVariable} names {_shared}, which holds no Mitzvah.Aws.dll.");
            }

            return;
        }

        var start = new ProcessStartInfo(DotNet.HostPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in new[]
        {
            "publish", Path.Combine(RepositoryPaths.Root, "src", "Mitzvah.Aws"), "-c", "Release", "-r", "linux-x64",
            "--self-contained", "false", "-o", Directory, "--artifacts-path", Path.Combine(_root, "build"), "-v", "q", "-nologo",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild settings must not leak into a separate build.
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var publish = System.Diagnostics.Process.Start(start)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(15));
        if (publish.ExitCode != 0 || !File.Exists(EntryAssembly))
        {
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}): {await stdout}{await stderr}");
        }
    }

    public Task DisposeAsync()
    {
        if (_shared is not null)
        {
            return Task.CompletedTask;
        }

        try
        {
            System.IO.Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }

        return Task.CompletedTask;
    }
}
