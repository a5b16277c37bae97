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
    public void Core_types_are_sealed_or_static_or_abstract()
    {
        var unsealed = typeof(ScheduleOptions).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsSealed: false, IsAbstract: false } && type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is null)
            .Where(type => !type.Name.Contains('<', StringComparison.Ordinal))
            .Select(type => type.FullName);

        Assert.Empty(unsealed);
    }
}
