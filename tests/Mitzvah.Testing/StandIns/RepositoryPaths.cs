namespace Mitzvah.Testing.StandIns;

/// <summary>Finds files of the repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Mitzvah.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Twilio OpenAPI description Prism serves.</summary>
    public static string TwilioApiSpec => Path.Combine(Root, "tests", "Mitzvah.Testing", "TwilioApi", "twilio_api_v2010.yaml");

    /// <summary>The pinned npm tools (<c>tools/node_modules</c>), installed by <c>npm ci --prefix tools</c>.</summary>
    public static string NodeModules => Path.Combine(Root, "tools", "node_modules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mitzvah.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Mitzvah.sln above {AppContext.BaseDirectory}.");
    }
}
