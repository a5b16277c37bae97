namespace Mitzvah.Testing.Lambda;

/// <summary>The <c>dotnet</c> host the tests run under (the SDK names it in <c>DOTNET_HOST_PATH</c>).</summary>
internal static class DotNet
{
    public static string HostPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
