namespace Mitzvah.Deploy.Tests;

/// <summary>Navigation over <see cref="YamlTree"/> objects that names the path when something is missing.</summary>
internal static class Yaml
{
    public static Dictionary<string, object?> Map(object? node, string what) =>
        node as Dictionary<string, object?> ?? throw new InvalidDataException($"{what} is not a mapping.");

    public static List<object?> List(object? node, string what) =>
        node as List<object?> ?? throw new InvalidDataException($"{what} is not a sequence.");

    public static object? Get(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Text(object? node, params string[] path) => Get(node, path) as string;

    /// <summary>A scalar or a sequence of scalars as a list of strings (GitHub and IAM accept both).</summary>
    public static IReadOnlyList<string> Texts(object? node) => node switch
    {
        null => [],
        string text => [text],
        List<object?> list => list.OfType<string>().ToList(),
        _ => [],
    };

    /// <summary>The <c>Ref</c> target of <c>{"Ref": X}</c>, else null.</summary>
    public static string? RefName(object? node) =>
        node is Dictionary<string, object?> { Count: 1 } map && map.TryGetValue("Ref", out var name) ? name as string : null;

    /// <summary>The (resource, attribute) of <c>{"Fn::GetAtt": …}</c> in either list or dotted form, else null.</summary>
    public static (string Resource, string Attribute)? GetAtt(object? node)
    {
        if (node is not Dictionary<string, object?> { Count: 1 } map || !map.TryGetValue("Fn::GetAtt", out var args))
        {
            return null;
        }

        switch (args)
        {
            case List<object?> { Count: 2 } list when list[0] is string resource && list[1] is string attribute:
                return (resource, attribute);
            case string dotted when dotted.Contains('.', StringComparison.Ordinal):
                var dot = dotted.IndexOf('.', StringComparison.Ordinal);
                return (dotted[..dot], dotted[(dot + 1)..]);
            default:
                return (string.Empty, string.Empty);
        }
    }

    /// <summary>The template string of <c>{"Fn::Sub": …}</c> (either form), else null.</summary>
    public static string? SubText(object? node) =>
        node is Dictionary<string, object?> { Count: 1 } map && map.TryGetValue("Fn::Sub", out var args)
            ? args switch
            {
                string text => text,
                List<object?> { Count: > 0 } list => list[0] as string,
                _ => null,
            }
            : null;

    /// <summary>Every node below a node (mappings, sequences, scalars), the node included, depth first.</summary>
    public static IEnumerable<object> Descendants(object? node)
    {
        switch (node)
        {
            case Dictionary<string, object?> map:
                yield return map;
                foreach (var child in map.Values.SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
            case List<object?> list:
                yield return list;
                foreach (var child in list.SelectMany(Descendants))
                {
                    yield return child;
                }

                break;
            case string text:
                yield return text;
                break;
        }
    }
}
