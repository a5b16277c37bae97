namespace Mitzvah.Deploy.Tests;

public sealed class YamlTreeTests
{
    [Fact]
    public void Short_tags_become_CloudFormation_long_forms()
    {
        var tree = YamlTree.Load("""
            a: !Ref Table
            b: !GetAtt Function.Arn
            c: !GetAtt [Queue, QueueUrl]
            d: !Sub "${AWS::StackName}-x"
            e: !Join [",", [!Ref A, !Ref B]]
            f: !If [IsProd, !Base64 x, !Ref AWS::NoValue]
            g: !Not [!Equals [!Select [0, !Split [",", !ImportValue other]], !FindInMap [M, K, V]]]
            h: !GetAZs ""
            i: !Condition IsProd
            j: !GetAtt Url.Deep.Attribute
            """);

        Assert.Equal("Table", Yaml.RefName(Yaml.Get(tree, "a")));
        Assert.Equal(("Function", "Arn"), Yaml.GetAtt(Yaml.Get(tree, "b")));
        Assert.Equal(("Queue", "QueueUrl"), Yaml.GetAtt(Yaml.Get(tree, "c")));
        Assert.Equal("${AWS::StackName}-x", Yaml.SubText(Yaml.Get(tree, "d")));
        Assert.Equal(["A", "B"], Yaml.List(Yaml.List(Yaml.Get(tree, "e", "Fn::Join"), "join")[1], "parts").Select(Yaml.RefName));
        Assert.Equal("x", Yaml.Text(Yaml.List(Yaml.Get(tree, "f", "Fn::If"), "if")[1], "Fn::Base64"));
        var equals = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(tree, "g", "Fn::Not"), "not")[0], "Fn::Equals"), "equals");
        Assert.NotNull(Yaml.Get(equals[0], "Fn::Select"));
        Assert.NotNull(Yaml.Get(equals[1], "Fn::FindInMap"));
        Assert.Equal("", Yaml.Text(tree, "h", "Fn::GetAZs"));
        Assert.Equal("IsProd", Yaml.Text(tree, "i", "Condition"));
        Assert.Equal(("Url", "Deep.Attribute"), Yaml.GetAtt(Yaml.Get(tree, "j")));
    }

    [Fact]
    public void Scalars_stay_text_and_empty_plain_scalars_are_null()
    {
        var tree = YamlTree.Load("""
            on: push
            mode: "OFF"
            timeout: 900
            empty:
            quoted: ""
            """);

        Assert.Equal("push", Yaml.Text(tree, "on"));
        Assert.Equal("OFF", Yaml.Text(tree, "mode"));
        Assert.Equal("900", Yaml.Text(tree, "timeout"));
        Assert.Null(Yaml.Get(tree, "empty"));
        Assert.Equal("", Yaml.Text(tree, "quoted"));
    }

    [Fact]
    public void Unknown_tags_and_duplicate_keys_are_errors()
    {
        Assert.Throws<InvalidDataException>(() => YamlTree.Load("a: !Reff Table"));
        Assert.Throws<InvalidDataException>(() => YamlTree.Load("a: 1\na: 2"));
    }
}
