using Mitzvah.Testing.StandIns;

namespace Mitzvah.Deploy.Tests;

/// <summary>
/// A SAM template as <see cref="YamlTree"/> objects, with what the SAM transform adds: <c>Globals.Function</c> merged
/// into each function, and the resources SAM generates (see <see cref="GeneratedResources"/>).
/// </summary>
internal sealed class SamTemplate
{
    public const string ServerlessFunction = "AWS::Serverless::Function";

    private static readonly Lazy<SamTemplate> Repository = new(() => Parse(File.ReadAllText(FilePath)));

    private SamTemplate(Dictionary<string, object?> root)
    {
        Root = root;
        Parameters = Yaml.Get(root, "Parameters") as Dictionary<string, object?> ?? [];
        Resources = Yaml.Map(Yaml.Get(root, "Resources"), "Resources");
        Outputs = Yaml.Get(root, "Outputs") as Dictionary<string, object?> ?? [];
        GlobalFunction = Yaml.Get(root, "Globals", "Function") as Dictionary<string, object?> ?? [];
    }

    public static string FilePath => Path.Combine(RepositoryPaths.Root, "aws", "template.yaml");

    /// <summary>aws/template.yaml of this repository.</summary>
    public static SamTemplate Current => Repository.Value;

    public Dictionary<string, object?> Root { get; }

    public Dictionary<string, object?> Parameters { get; }

    public Dictionary<string, object?> Resources { get; }

    public Dictionary<string, object?> Outputs { get; }

    public Dictionary<string, object?> GlobalFunction { get; }

    public static SamTemplate Parse(string yaml) => new(Yaml.Map(YamlTree.Load(yaml), "The template"));

    public IEnumerable<string> LogicalIdsOfType(string type) =>
        Resources.Where(r => TypeOf(r.Key) == type).Select(r => r.Key);

    public string? TypeOf(string logicalId) =>
        Resources.TryGetValue(logicalId, out var resource) ? Yaml.Text(resource, "Type") : null;

    public Dictionary<string, object?> Resource(string logicalId) =>
        Yaml.Map(Resources.GetValueOrDefault(logicalId), $"Resource {logicalId}");

    public Dictionary<string, object?> Properties(string logicalId) =>
        Yaml.Map(Yaml.Get(Resource(logicalId), "Properties"), $"{logicalId}.Properties");

    /// <summary>A function property as SAM sees it: the function's own value, else the one in Globals.Function.</summary>
    public object? FunctionProperty(string functionId, string name) =>
        Properties(functionId).GetValueOrDefault(name) ?? GlobalFunction.GetValueOrDefault(name);

    /// <summary>Environment variables as SAM merges them: Globals.Function's, overridden by the function's.</summary>
    public Dictionary<string, object?> FunctionEnvironment(string functionId)
    {
        var merged = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var source in new[] { GlobalFunction, Properties(functionId) })
        {
            if (Yaml.Get(source, "Environment", "Variables") is Dictionary<string, object?> variables)
            {
                foreach (var (name, value) in variables)
                {
                    merged[name] = value;
                }
            }
        }

        return merged;
    }

    /// <summary>
    /// The resources the SAM transform adds for each <c>AWS::Serverless::Function</c> <c>F</c>, by logical id:
    /// <list type="bullet">
    /// <item><c>FRole</c> (<c>AWS::IAM::Role</c>) unless <c>Role</c> is set;</item>
    /// <item><c>FUrl</c> (<c>AWS::Lambda::Url</c>) when <c>FunctionUrlConfig</c> is set; with <c>AutoPublishAlias</c> the
    /// URL targets the alias but keeps this id; with <c>AuthType: NONE</c> also <c>FUrlPublicPermissions</c>;</item>
    /// <item><c>FAlias{name}</c> (<c>AWS::Lambda::Alias</c>, the alias name without non-alphanumerics) when
    /// <c>AutoPublishAlias</c> is set. Its version's id carries a content hash, so it is only reachable as
    /// <see cref="GeneratedRefs"/>.</item>
    /// </list>
    /// </summary>
    public IReadOnlyDictionary<string, string> GeneratedResources()
    {
        var generated = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var function in LogicalIdsOfType(ServerlessFunction))
        {
            if (FunctionProperty(function, "Role") is null)
            {
                generated[$"{function}Role"] = "AWS::IAM::Role";
            }

            if (FunctionProperty(function, "FunctionUrlConfig") is { } url)
            {
                generated[$"{function}Url"] = "AWS::Lambda::Url";
                if (Yaml.Text(url, "AuthType") == "NONE")
                {
                    generated[$"{function}UrlPublicPermissions"] = "AWS::Lambda::Permission";
                }
            }

            if (FunctionProperty(function, "AutoPublishAlias") is string alias)
            {
                generated[$"{function}Alias{new string(alias.Where(char.IsAsciiLetterOrDigit).ToArray())}"] = "AWS::Lambda::Alias";
            }
        }

        return generated;
    }

    /// <summary>
    /// SAM's property references, usable with <c>Ref</c> and inside <c>Fn::Sub</c>: <c>F.Alias</c> and <c>F.Version</c>
    /// for each function with <c>AutoPublishAlias</c> (the alias ARN and the published version ARN).
    /// </summary>
    public IReadOnlySet<string> GeneratedRefs()
    {
        var refs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in LogicalIdsOfType(ServerlessFunction))
        {
            if (FunctionProperty(function, "AutoPublishAlias") is string)
            {
                refs.Add($"{function}.Alias");
                refs.Add($"{function}.Version");
            }
        }

        return refs;
    }
}
