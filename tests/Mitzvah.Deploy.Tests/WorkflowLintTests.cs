using System.Text.RegularExpressions;

namespace Mitzvah.Deploy.Tests;

public sealed class WorkflowLintTests
{
    public static TheoryData<string> Workflows => new(ActionLint.WorkflowFiles());

    [Fact]
    public void The_repository_has_the_ci_and_deploy_workflows()
    {
        var files = ActionLint.WorkflowFiles();

        Assert.Contains(".github/workflows/ci.yml", files);
        Assert.Contains(".github/workflows/deploy-sam.yml", files);
        Assert.Contains(".github/workflows/deploy-lambda.yml", files);
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public async Task Workflow_passes_actionlint(string workflow)
    {
        var (exitCode, output) = await ActionLint.RunAsync(workflow);

        Assert.True(exitCode == 0, $"actionlint {workflow} exited {exitCode}:{Environment.NewLine}{output}");
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_broken_workflow_is_reported_with_its_location()
    {
        var (exitCode, output, path) = await LintAsync("broken", """
            name: broken
            on:
              push:
            jobs:
              build:
                runs-on: ubuntu-24.04
                steps:
                  - run: echo "${{ github.nope.sha }}"
                  - uses: actions/checkout@v4
                    with:
                      ref: ${{ steps.missing.outputs.sha }}
            """);

        Assert.Equal(1, exitCode);
        var findings = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(findings, f => Assert.Matches(new Regex(@"^.+:\d+:\d+: .+ \[[a-z-]+\]$"), f));
        Assert.Contains(findings, f => f.StartsWith($"{path}:6:", StringComparison.Ordinal) && f.EndsWith("[runner-label]", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.StartsWith($"{path}:11:", StringComparison.Ordinal) && f.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clean_workflow_passes()
    {
        var (exitCode, output, _) = await LintAsync("clean", """
            name: clean
            on:
              push:
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: echo "${{ github.sha }}"
            """);

        Assert.True(exitCode == 0, output);
        Assert.Equal("", output);
    }

    /// <summary>Lints <paramref name="workflow"/> from a temporary file, which is gone when this returns.</summary>
    private static async Task<(int ExitCode, string Output, string Path)> LintAsync(string name, string workflow)
    {
        var path = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(path, workflow);
        try
        {
            var (exitCode, output) = await ActionLint.RunAsync(path);
            return (exitCode, output, path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
