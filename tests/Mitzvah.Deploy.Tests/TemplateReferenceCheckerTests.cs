namespace Mitzvah.Deploy.Tests;

public sealed class TemplateReferenceCheckerTests
{
    private const string Base = """
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Origin:
            Type: String
        Globals:
          Function:
            AutoPublishAlias: live
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
          Public:
            Type: AWS::Serverless::Function
            Properties:
              FunctionUrlConfig:
                AuthType: NONE
          Plain:
            Type: AWS::Serverless::Function
            Properties:
              Role: arn:aws:iam::123456789012:role/x
              AutoPublishAlias: "prod-1"
        """;

    [Fact]
    public void Accepts_declared_pseudo_and_SAM_generated_names()
    {
        var template = SamTemplate.Parse(Base + """

              Uses:
                Type: AWS::Lambda::Permission
                Properties:
                  A: !Ref Origin
                  B: !Ref AWS::Region
                  C: !GetAtt PublicUrl.FunctionUrl
                  D: !GetAtt PublicRole.Arn
                  E: !Ref Public.Alias
                  F: !Ref PublicAliaslive
                  G: !Ref PlainAliasprod1
                  H: !Sub "${Table.Arn}/index/x ${AWS::StackName} ${Public.Version} ${!Literal}"
                  I: !Sub ["${Local}", { Local: !Ref Table }]
                  J: !GetAtt [Table, StreamArn]
                  K: !Ref PublicUrlPublicPermissions
            """);

        var problems = TemplateReferenceChecker.Check(template);

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("!Ref Missing", "Ref Missing")]
    [InlineData("!GetAtt PublicURL.FunctionUrl", "no resource PublicURL")]
    [InlineData("!GetAtt PlainUrl.FunctionUrl", "no resource PlainUrl")]
    [InlineData("!GetAtt PlainRole.Arn", "no resource PlainRole")]
    [InlineData("!GetAtt PublicUrl.Arn", "AWS::Lambda::Url has no attribute Arn")]
    [InlineData("!GetAtt Table.Name", "AWS::DynamoDB::Table has no attribute Name")]
    [InlineData("!Sub ${Nope}-x", "${Nope} names no parameter")]
    [InlineData("!Sub ${Table.Nope}", "has no attribute Nope")]
    [InlineData("!Ref Plain.Version", null)]
    [InlineData("!Ref Table.Alias", "Ref Table.Alias")]
    public void Reports_what_CloudFormation_could_not_resolve(string value, string? expected)
    {
        var template = SamTemplate.Parse(Base + $"""

              Uses:
                Type: AWS::Lambda::Permission
                Properties:
                  Value: {value}
            """);

        var problems = TemplateReferenceChecker.Check(template);

        if (expected is null)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Reports_GetAtt_on_a_type_whose_attributes_are_not_listed()
    {
        var template = SamTemplate.Parse(Base + """

              Stream:
                Type: AWS::Kinesis::Stream
            Outputs:
              T:
                Value: !GetAtt Stream.Arn
            """);

        Assert.Contains(TemplateReferenceChecker.Check(template), p => p.Contains("attributes of AWS::Kinesis::Stream", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("HasOrigin", "!If [HasOrigin, a, b]", true)]
    [InlineData("Missing", "!If [HasOrigin, a, b]", false)]
    [InlineData("HasOrigin", "!If [Missing, a, b]", false)]
    public void Conditions_used_by_resources_and_Fn_If_must_be_declared(string resourceCondition, string value, bool valid)
    {
        var template = SamTemplate.Parse(Base.Replace("Globals:", """
            Conditions:
              HasOrigin: !Not [!Equals [!Ref Origin, ""]]
            Globals:
            """, StringComparison.Ordinal) + $"""

              Subscription:
                Type: AWS::SNS::Subscription
                Condition: {resourceCondition}
                Properties:
                  Endpoint: {value}
            """);

        var problems = TemplateReferenceChecker.Check(template);

        if (valid)
        {
            Assert.Empty(problems);
        }
        else
        {
            Assert.Contains(problems, p => p.Contains("names no condition", StringComparison.Ordinal));
        }
    }
}
