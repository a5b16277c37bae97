using System.Reflection;

namespace Mitzvah.Core.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void Core_references_no_cloud_messaging_or_database_sdk()
    {
        string[] forbidden = ["Amazon", "AWSSDK", "Azure", "Twilio", "Microsoft.Data.Sqlite", "SQLitePCL"];

        var referenced = typeof(ScheduleOptions).Assembly.GetReferencedAssemblies().Select(name => name.Name ?? string.Empty).ToList();

        Assert.Contains("NodaTime", referenced); // the check sees real references
        Assert.DoesNotContain(referenced, name => forbidden.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Core_source_speaks_no_providers_dialect()
    {
        // Words of one vendor's protocol; Core names channels and outcomes instead.
        string[] forbidden = ["Twilio", "MessageSid", "X-Twilio-Signature", "TwiML", "<Response>", "Amazon", "DynamoDB", "Azure", "Sqlite"];
        var sources = Directory.EnumerateFiles(CoreSourceDirectory(), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var offending = sources
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (path, line, number: index + 1)))
            .Where(entry => forbidden.Any(word => entry.line.Contains(word, StringComparison.OrdinalIgnoreCase)))
            .Select(entry => $"{Path.GetFileName(entry.path)}:{entry.number}: {entry.line.Trim()}")
            .ToList();

        Assert.True(sources.Count > 50, "the check must see Core's sources");
        Assert.True(offending.Count == 0, string.Join(Environment.NewLine, offending));
    }

    [Fact]
    public void Core_types_are_sealed_or_static_or_abstract()
    {
        var unsealed = typeof(ScheduleOptions).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsSealed: false, IsAbstract: false } && type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .Where(type => !type.Name.Contains('<', StringComparison.Ordinal))
            .Select(type => type.FullName);

        Assert.Empty(unsealed);
    }

    private static string CoreSourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Mitzvah.Core");
            if (File.Exists(Path.Combine(candidate, "Mitzvah.Core.csproj")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("src/Mitzvah.Core was not found above the test's directory.");
    }
}
