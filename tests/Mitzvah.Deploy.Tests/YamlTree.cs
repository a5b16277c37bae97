using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mitzvah.Deploy.Tests;

/// <summary>
/// Loads YAML as plain objects: a mapping becomes <c>Dictionary&lt;string, object?&gt;</c>, a sequence
/// <c>List&lt;object?&gt;</c>, a scalar its text (an empty or <c>~</c>/<c>null</c> plain scalar becomes null; numbers and
/// booleans stay text). CloudFormation's short tags become the long form CloudFormation itself reads:
/// <c>!Ref X</c> is <c>{"Ref": "X"}</c>, <c>!GetAtt A.B</c> is <c>{"Fn::GetAtt": ["A", "B"]}</c>, <c>!Sub s</c> is
/// <c>{"Fn::Sub": "s"}</c>. An unknown local tag is an error, like it is for CloudFormation.
/// </summary>
internal static class YamlTree
{
    private static readonly Dictionary<string, string> ShortTags = new(StringComparer.Ordinal)
    {
        ["!Ref"] = "Ref",
        ["!Condition"] = "Condition",
        ["!GetAtt"] = "Fn::GetAtt",
        ["!Sub"] = "Fn::Sub",
        ["!Join"] = "Fn::Join",
        ["!If"] = "Fn::If",
        ["!Equals"] = "Fn::Equals",
        ["!Not"] = "Fn::Not",
        ["!And"] = "Fn::And",
        ["!Or"] = "Fn::Or",
        ["!Select"] = "Fn::Select",
        ["!Split"] = "Fn::Split",
        ["!FindInMap"] = "Fn::FindInMap",
        ["!GetAZs"] = "Fn::GetAZs",
        ["!ImportValue"] = "Fn::ImportValue",
        ["!Base64"] = "Fn::Base64",
        ["!Cidr"] = "Fn::Cidr",
        ["!Length"] = "Fn::Length",
        ["!ToJsonString"] = "Fn::ToJsonString",
        ["!Transform"] = "Fn::Transform",
    };

    public static object? LoadFile(string path) => Load(File.ReadAllText(path));

    public static object? Load(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static object? Convert(YamlNode node)
    {
        object? value = node switch
        {
            YamlScalarNode scalar => ScalarValue(scalar),
            YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
            YamlMappingNode mapping => ConvertMapping(mapping),
            _ => throw new InvalidDataException($"Unsupported YAML node {node.GetType().Name} at line {node.Start.Line}."),
        };

        if (node.Tag.IsEmpty || !node.Tag.Value.StartsWith('!') || node.Tag.Value == "!")
        {
            return value;
        }

        if (!ShortTags.TryGetValue(node.Tag.Value, out var function))
        {
            throw new InvalidDataException($"Unknown tag {node.Tag.Value} at line {node.Start.Line}.");
        }

        // CloudFormation reads "!GetAtt Resource.Attribute" as ["Resource", "Attribute"] (the first dot splits).
        if (function == "Fn::GetAtt" && value is string dotted)
        {
            var dot = dotted.IndexOf('.', StringComparison.Ordinal);
            value = dot < 0 ? new List<object?> { dotted } : new List<object?> { dotted[..dot], dotted[(dot + 1)..] };
        }

        return new Dictionary<string, object?>(StringComparer.Ordinal) { [function] = value };
    }

    private static string? ScalarValue(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty && scalar.Value is "" or "~" or "null" or null
            ? null
            : scalar.Value;

    private static Dictionary<string, object?> ConvertMapping(YamlMappingNode mapping)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode { Value: { } text }
                ? text
                : throw new InvalidDataException($"Non-scalar key at line {key.Start.Line}.");
            if (!result.TryAdd(name, Convert(value)))
            {
                throw new InvalidDataException($"Duplicate key {name} at line {key.Start.Line}.");
            }
        }

        return result;
    }
}
