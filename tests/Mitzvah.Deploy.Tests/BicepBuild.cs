using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Mitzvah.Deploy.Tests;

/// <summary>
/// One run of the Bicep CLI that the test project downloads (<c>PackageDownload</c> of
/// Azure.Bicep.CommandLine.linux-x64), with what it printed.
/// </summary>
/// <remarks>
/// Bicep exits 0 on warnings, and a misspelled resource property is only a warning (BCP089), so a build counts as
/// clean only when it exits 0 and no line of its diagnostics says Warning or Error.
/// </remarks>
internal sealed partial record BicepBuild(string Arguments, int ExitCode, string Output, string Diagnostics)
{
    public const string CliVersion = "0.49.2";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Diagnostic lines that fail a build: Bicep's errors, warnings (linter and type checks alike).</summary>
    public IReadOnlyList<string> Problems { get; } = Diagnostics
        .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(line => ProblemLine().IsMatch(line))
        .ToArray();

    public bool IsClean => ExitCode == 0 && Problems.Count == 0;

    /// <summary>A failure message: the command, its exit code and every diagnostic line.</summary>
    public string Describe() =>
        $"bicep {Arguments} exited {ExitCode} with {Problems.Count} warning/error line(s):{Environment.NewLine}{Diagnostics}";

    /// <summary><c>bicep build FILE --stdout</c>: the ARM template on <see cref="Output"/>.</summary>
    public static Task<BicepBuild> BuildAsync(string bicepFile) =>
        RunAsync(new Dictionary<string, string>(), "build", bicepFile, "--stdout");

    /// <summary>
    /// <c>bicep build-params FILE --stdout</c> with extra environment variables (read by
    /// <c>readEnvironmentVariable</c>); <see cref="Output"/> holds <c>parametersJson</c> and <c>templateJson</c>.
    /// </summary>
    public static Task<BicepBuild> BuildParamsAsync(string bicepParamFile, IReadOnlyDictionary<string, string> environment) =>
        RunAsync(environment, "build-params", bicepParamFile, "--stdout");

    /// <summary>The CLI in NuGet's global packages folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).</summary>
    public static string LocateCli()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var cli = Path.Combine(packages, "azure.bicep.commandline.linux-x64", CliVersion, "tools", "bicep");
        if (!File.Exists(cli))
        {
            throw new FileNotFoundException(
                $"Bicep CLI {CliVersion} not found at {cli}; `dotnet restore tests/Mitzvah.Deploy.Tests` downloads it.", cli);
        }

        // NuGet extracts the binary without its execute bit on some machines.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(cli);
            if (!mode.HasFlag(UnixFileMode.UserExecute))
            {
                File.SetUnixFileMode(cli, mode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        return cli;
    }

    private static async Task<BicepBuild> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(LocateCli())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The Bicep CLI did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepBuild(string.Join(' ', arguments), process.ExitCode, await output, await diagnostics);
    }

    [GeneratedRegex(@"\b(warning|error)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProblemLine();
}
