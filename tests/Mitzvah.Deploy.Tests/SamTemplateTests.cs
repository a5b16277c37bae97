using System.Reflection;
using System.Text.Json;
using Mitzvah.Aws;
using Mitzvah.Smtp;
using Mitzvah.Testing;
using Mitzvah.Testing.StandIns;

namespace Mitzvah.Deploy.Tests;

public sealed class SamTemplateTests
{
    private const string Bot = "DailyMitzvahBot";
    private const string Consent = "ConsentHandler";

    private static readonly Assembly HandlerAssembly = typeof(DailyMitzvahBot).Assembly;

    /// <summary>Every setting the handlers read (the original deployment's names included).</summary>
    private static readonly HashSet<string> KnownSettings = new(StringComparer.Ordinal)
    {
        "SUBSCRIBERS_TABLE", "CONSENT_HISTORY_TABLE", "DELIVERIES_TABLE",
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER", "WHATSAPP_TEMPLATE_SID",
        "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_STATUS_CALLBACK_URL", "RECIPIENTS", "WEBHOOK_TOKEN",
        "PUBLIC_CONSENT_URL", "SEND_TOKEN", "MITZVAH_SEND_CONCURRENCY", "MITZVAH_TIME_ZONE", "MITZVAH_SEND_TIME", "MITZVAH_IN_ISRAEL",
        "MITZVAH_SKIP_REST_DAYS", EmbeddedMetrics.NamespaceSetting, LambdaFunctions.SettingName,
        "WHATSAPP_CONFIRM_TEMPLATE_SID", "MITZVAH_WEB_OPTINS_PER_HOUR", "MITZVAH_WINDOW_MARGIN_MINUTES",
        SmtpSettingNames.SmtpHost, SmtpSettingNames.SmtpPort, SmtpSettingNames.SmtpSecurity, SmtpSettingNames.SmtpUsername,
        SmtpSettingNames.SmtpPassword, SmtpSettingNames.MailFrom, SmtpSettingNames.MailRatePerSecond, MailLinkSecret,
    };

    // Core's signing secret of the links in mails (required whenever SMTP_HOST is set).
    private const string MailLinkSecret = "MAIL_LINK_SECRET";

    private static readonly string[] SecretSettings =
    [
        "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "WEBHOOK_TOKEN", "SEND_TOKEN",
        SmtpSettingNames.SmtpUsername, SmtpSettingNames.SmtpPassword, MailLinkSecret,
    ];

    /// <summary>Each mail setting and the parameter it comes from, when SmtpHost is given.</summary>
    private static readonly Dictionary<string, string> MailParameters = new(StringComparer.Ordinal)
    {
        [SmtpSettingNames.SmtpHost] = "SmtpHost",
        [SmtpSettingNames.SmtpPort] = "SmtpPort",
        [SmtpSettingNames.SmtpSecurity] = "SmtpSecurity",
        [SmtpSettingNames.SmtpUsername] = "SmtpUsername",
        [SmtpSettingNames.SmtpPassword] = "SmtpPassword",
        [SmtpSettingNames.MailFrom] = "MailFrom",
        [SmtpSettingNames.MailRatePerSecond] = "MailRatePerSecond",
        [MailLinkSecret] = "MailLinkSecret",
    };

    private static SamTemplate Template => SamTemplate.Current;

    public static TheoryData<string, Type> Functions => new()
    {
        { Bot, typeof(DailyMitzvahBot) },
        { Consent, typeof(ConsentHandler) },
    };

    [Fact]
    public void Is_a_SAM_template_with_exactly_the_expected_functions()
    {
        Assert.Equal("AWS::Serverless-2016-10-31", Yaml.Text(Template.Root, "Transform"));
        Assert.Equal(
            new[] { Bot, Consent }.Order(StringComparer.Ordinal),
            Template.LogicalIdsOfType(SamTemplate.ServerlessFunction).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_Ref_GetAtt_and_Sub_variable_resolves()
    {
        var problems = TemplateReferenceChecker.Check(Template);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Handler_is_the_executable_assembly_and_MITZVAH_FUNCTION_selects_the_function(string function, Type expectedType)
    {
        var handler = Assert.IsType<string>(Template.FunctionProperty(function, "Handler"));
        var selected = Yaml.Text(Template.FunctionEnvironment(function), LambdaFunctions.SettingName);

        // Without ':' the runtime runs `dotnet exec <Handler>.dll`, which must be a program serving the Runtime API.
        Assert.DoesNotContain(':', handler);
        Assert.Equal(HandlerAssembly.GetName().Name, handler);
        Assert.NotNull(HandlerAssembly.EntryPoint);
        Assert.NotNull(selected);
        Assert.True(LambdaFunctions.HandlerTypes.ContainsKey(selected), $"{function}: {LambdaFunctions.SettingName}={selected} selects no function.");
        Assert.Equal(expectedType, LambdaFunctions.HandlerTypes[selected]);
    }

    [Fact]
    public void Each_function_selects_a_different_handler()
    {
        var selected = new[] { Bot, Consent }.Select(f => Yaml.Text(Template.FunctionEnvironment(f), LambdaFunctions.SettingName)).ToList();

        Assert.Equal(selected.Count, selected.Distinct(StringComparer.Ordinal).Count());
        Assert.Null(Yaml.Text(Template.GlobalFunction, "Environment", "Variables", LambdaFunctions.SettingName));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Runs_on_the_dotnet10_runtime_from_the_AWS_project(string function, Type handlerType)
    {
        Assert.Equal("dotnet10", Template.FunctionProperty(function, "Runtime"));

        var codeUri = Assert.IsType<string>(Template.FunctionProperty(function, "CodeUri"));
        var project = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "aws", codeUri));
        var assemblyName = HandlerAssembly.GetName().Name;
        Assert.True(File.Exists(Path.Combine(project, $"{assemblyName}.csproj")), $"CodeUri {codeUri} has no {assemblyName}.csproj.");
        Assert.Same(HandlerAssembly, handlerType.Assembly);
        Assert.Equal(["x86_64"], Yaml.Texts(Template.FunctionProperty(function, "Architectures")));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_required_setting_is_in_the_environment(string function, Type handlerType)
    {
        var required = RequiredSettings(handlerType);
        var environment = Template.FunctionEnvironment(function);

        Assert.NotEmpty(required);
        var missing = required.Where(name => environment.GetValueOrDefault(name) is null or "").ToList();
        Assert.True(missing.Count == 0, $"{function} lacks {string.Join(", ", missing)}.");
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Sets_only_settings_the_handlers_know(string function, Type handlerType)
    {
        _ = handlerType;

        var unknown = Template.FunctionEnvironment(function).Keys.Where(name => !KnownSettings.Contains(name)).ToList();

        Assert.True(unknown.Count == 0, $"{function} sets unknown settings {string.Join(", ", unknown)}.");
    }

    [Fact]
    public void The_consent_function_that_answers_status_callbacks_sends_a_resend_as_the_daily_function_does()
    {
        var consent = Template.FunctionEnvironment(Consent);
        var bot = Template.FunctionEnvironment(Bot);

        // Without these the consent function records a 63016 and never resends it as the template.
        foreach (var name in new[] { "TWILIO_ACCOUNT_SID", "WHATSAPP_TEMPLATE_SID", "TWILIO_MESSAGING_SERVICE_SID", "TWILIO_STATUS_CALLBACK_URL" })
        {
            Assert.True(consent.ContainsKey(name), $"{Consent} lacks {name}.");
            Assert.NotNull(Yaml.RefName(consent[name]));
            Assert.Equal(Yaml.RefName(bot[name]), Yaml.RefName(consent[name]));
        }
    }

    [Fact]
    public void Secrets_come_from_NoEcho_parameters_without_defaults()
    {
        var checkedSecrets = 0;
        foreach (var function in new[] { Bot, Consent })
        {
            foreach (var (name, value) in Template.FunctionEnvironment(function).Where(v => SecretSettings.Contains(v.Key)))
            {
                var parameter = Yaml.RefName(value) ?? ConditionalRef(value)?.Parameter;
                Assert.True(parameter is not null, $"{function} {name} must be a Ref to a parameter.");
                Assert.True(Template.Parameters.ContainsKey(parameter), $"{function} {name} refers to {parameter}, not a parameter.");
                Assert.True(Yaml.Text(Template.Parameters[parameter], "NoEcho") == "true", $"Parameter {parameter} ({name}) must be NoEcho.");
                checkedSecrets++;
            }
        }

        Assert.True(checkedSecrets >= SecretSettings.Length, "Every secret setting is set on some function.");

        foreach (var (name, parameter) in Template.Parameters)
        {
            if (Yaml.Text(parameter, "NoEcho") == "true")
            {
                Assert.True(Yaml.Text(parameter, "Default") is null or "", $"NoEcho parameter {name} must not carry a default value.");
            }
        }
    }

    [Fact]
    public void The_consent_function_can_send_the_confirmation_template_and_both_read_the_new_limits()
    {
        var consent = Template.FunctionEnvironment(Consent);
        var bot = Template.FunctionEnvironment(Bot);

        Assert.Equal("WhatsAppConfirmTemplateSid", Yaml.RefName(consent["WHATSAPP_CONFIRM_TEMPLATE_SID"]));
        Assert.Equal("WebOptInsPerHour", Yaml.RefName(consent["MITZVAH_WEB_OPTINS_PER_HOUR"]));
        Assert.Equal("WindowMarginMinutes", Yaml.RefName(bot["MITZVAH_WINDOW_MARGIN_MINUTES"]));
        Assert.Equal("5", Yaml.Text(Yaml.Get(Template.Root, "Parameters", "WebOptInsPerHour"), "Default"));
        Assert.Equal("60", Yaml.Text(Yaml.Get(Template.Root, "Parameters", "WindowMarginMinutes"), "Default"));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_mail_setting_reaches_the_function_only_when_SmtpHost_is_given(string function, Type handlerType)
    {
        _ = handlerType;
        var environment = Template.FunctionEnvironment(function);

        foreach (var (setting, parameter) in MailParameters)
        {
            Assert.True(environment.ContainsKey(setting), $"{function} lacks {setting}.");
            var conditional = ConditionalRef(environment[setting]);
            Assert.True(conditional is not null, $"{function} {setting} must be !If [SendsMail, !Ref {parameter}, !Ref AWS::NoValue].");
            Assert.Equal(("SendsMail", parameter), conditional);
            Assert.True(Template.Parameters.ContainsKey(parameter), $"{setting} refers to {parameter}, not a parameter.");
        }

        // SendsMail: !Not [!Equals [!Ref SmtpHost, ""]]
        var condition = Yaml.Get(Template.Root, "Conditions", "SendsMail");
        var equals = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(condition, "Fn::Not"), "Fn::Not")[0], "Fn::Equals"), "Fn::Equals");
        Assert.Equal("SmtpHost", Yaml.RefName(equals[0]));
        Assert.Equal("", equals[1]);
    }

    [Fact]
    public void Mail_parameters_default_to_email_off_and_SES_submission_settings()
    {
        var parameters = Template.Parameters;

        Assert.Equal("", Yaml.Text(parameters["SmtpHost"], "Default"));
        Assert.Equal("587", Yaml.Text(parameters["SmtpPort"], "Default"));
        Assert.Equal("starttls", Yaml.Text(parameters["SmtpSecurity"], "Default"));
        Assert.Equal("1", Yaml.Text(parameters["MailRatePerSecond"], "Default"));
        Assert.Contains("email-smtp.<region>.amazonaws.com", Yaml.Text(parameters["SmtpHost"], "Description"), StringComparison.Ordinal);

        // Every value the template allows is one the SMTP adapter accepts.
        Assert.All(Yaml.Texts(Yaml.Get(parameters["SmtpSecurity"], "AllowedValues")), security => Assert.Contains(security, new[] { "starttls", "tls", "none" }));
        var host = new System.Text.RegularExpressions.Regex(Yaml.Text(parameters["SmtpHost"], "AllowedPattern")!);
        Assert.Matches(host, "");
        Assert.Matches(host, "email-smtp.eu-west-1.amazonaws.com");
        Assert.DoesNotMatch(host, "smtp://email-smtp.eu-west-1.amazonaws.com");
        Assert.DoesNotMatch(host, "email-smtp.eu-west-1.amazonaws.com:587");
        var from = new System.Text.RegularExpressions.Regex(Yaml.Text(parameters["MailFrom"], "AllowedPattern")!);
        Assert.Matches(from, "");
        Assert.Matches(from, "Daily Mitzvah <mitzvah@example.org>");
        Assert.Matches(from, "mitzvah@example.org");
        Assert.DoesNotMatch(from, "Daily Mitzvah");
        var secret = new System.Text.RegularExpressions.Regex(Yaml.Text(parameters["MailLinkSecret"], "AllowedPattern")!);
        Assert.Matches(secret, "");
        Assert.Matches(secret, new string('k', 32));
        Assert.DoesNotMatch(secret, new string('k', 31));
    }

    [Theory]
    [InlineData("MailFrom")]
    [InlineData("MailLinkSecret")]
    [InlineData("SmtpUsername")]
    [InlineData("SmtpPassword")]
    [InlineData("PublicConsentUrl")]
    public void With_SmtpHost_the_stack_refuses_to_deploy_without_the_other_mail_settings(string required)
    {
        var rule = Yaml.Map(Yaml.Get(Template.Root, "Rules", "MailSettings"), "MailSettings");
        var when = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(rule, "RuleCondition", "Fn::Not"), "Fn::Not")[0], "Fn::Equals"), "Fn::Equals");

        Assert.Equal("SmtpHost", Yaml.RefName(when[0]));
        Assert.Equal("", when[1]);
        Assert.Contains(Yaml.List(rule["Assertions"], "MailSettings.Assertions"), assertion =>
        {
            var equals = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(assertion, "Assert", "Fn::Not"), "Fn::Not")[0], "Fn::Equals"), "Fn::Equals");
            return Yaml.RefName(equals[0]) == required && equals[1] is "";
        });
    }

    [Fact]
    public void Web_and_send_tokens_can_never_be_the_same()
    {
        var assertions = Yaml.List(Yaml.Get(Template.Root, "Rules", "DistinctTokens", "Assertions"), "DistinctTokens.Assertions");
        var assert = Yaml.Get(Assert.Single(assertions), "Assert");

        var equals = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(assert, "Fn::Not"), "Fn::Not")[0], "Fn::Equals"), "Fn::Equals");
        Assert.Equal(["SendToken", "WebhookToken"], equals.Select(Yaml.RefName).Order(StringComparer.Ordinal));
        Assert.Equal("SendToken", Yaml.RefName(Template.FunctionEnvironment(Bot)["SEND_TOKEN"]));
        Assert.Equal("WebhookToken", Yaml.RefName(Template.FunctionEnvironment(Consent)["WEBHOOK_TOKEN"]));
        Assert.False(Template.FunctionEnvironment(Consent).ContainsKey("SEND_TOKEN"));
    }

    [Fact]
    public void Schedule_invokes_the_bot_every_15_minutes_with_retries_within_the_tick_and_a_dead_letter_queue()
    {
        Assert.Equal("AWS::Scheduler::Schedule", Template.TypeOf("DailyMitzvahSchedule"));
        var schedule = Template.Properties("DailyMitzvahSchedule");

        Assert.Equal("mitzvah-send-tick-${AWS::StackName}", Yaml.SubText(schedule["Name"]));
        Assert.Equal("rate(15 minutes)", Yaml.Text(schedule, "ScheduleExpression"));
        Assert.False(schedule.ContainsKey("ScheduleExpressionTimezone"));
        Assert.Equal("OFF", Yaml.Text(schedule, "FlexibleTimeWindow", "Mode"));

        var target = Yaml.Map(schedule["Target"], "Target");
        Assert.Equal($"{Bot}.Alias", Yaml.RefName(target["Arn"]));
        Assert.Equal(("SchedulerInvokeRole", "Arn"), Yaml.GetAtt(target["RoleArn"]));
        using var input = JsonDocument.Parse(Assert.IsType<string>(target["Input"]));
        Assert.Equal("<aws.scheduler.scheduled-time>", input.RootElement.GetProperty("scheduledTime").GetString());
        Assert.Single(input.RootElement.EnumerateObject());
        Assert.Equal("2", Yaml.Text(target, "RetryPolicy", "MaximumRetryAttempts"));
        Assert.Equal("900", Yaml.Text(target, "RetryPolicy", "MaximumEventAgeInSeconds"));
        Assert.Equal(("ScheduleDeadLetterQueue", "Arn"), Yaml.GetAtt(Yaml.Get(target, "DeadLetterConfig", "Arn")));
        Assert.Equal("AWS::SQS::Queue", Template.TypeOf("ScheduleDeadLetterQueue"));
    }

    [Fact]
    public void Both_functions_share_the_operators_zone_and_default_send_time()
    {
        foreach (var function in new[] { Bot, Consent })
        {
            Assert.Equal("America/Chicago", Template.FunctionEnvironment(function)["MITZVAH_TIME_ZONE"]);
            Assert.Equal("DefaultSendTime", Yaml.RefName(Template.FunctionEnvironment(function)["MITZVAH_SEND_TIME"]));
        }

        Assert.Equal("10:00", Yaml.Text(Yaml.Get(Template.Root, "Parameters", "DefaultSendTime"), "Default"));
    }

    [Fact]
    public void Scheduler_role_may_only_invoke_the_bot_and_feed_its_dead_letter_queue()
    {
        Assert.Equal("AWS::IAM::Role", Template.TypeOf("SchedulerInvokeRole"));
        var role = Template.Properties("SchedulerInvokeRole");

        var trust = Assert.Single(Yaml.List(Yaml.Get(role, "AssumeRolePolicyDocument", "Statement"), "trust"));
        Assert.Equal("scheduler.amazonaws.com", Yaml.Text(trust, "Principal", "Service"));
        Assert.Equal("sts:AssumeRole", Yaml.Text(trust, "Action"));
        Assert.Equal("AWS::AccountId", Yaml.RefName(Yaml.Get(trust, "Condition", "StringEquals", "aws:SourceAccount")));

        var statements = Yaml.List(role["Policies"], "Policies")
            .SelectMany(p => Yaml.List(Yaml.Get(p, "PolicyDocument", "Statement"), "Statement"))
            .ToList();
        var invoke = Assert.Single(statements, s => Yaml.Texts(Yaml.Get(s, "Action")).Contains("lambda:InvokeFunction"));
        Assert.Equal(["lambda:InvokeFunction"], Yaml.Texts(Yaml.Get(invoke, "Action")));
        Assert.Equal($"{Bot}.Alias", Yaml.RefName(Yaml.Get(invoke, "Resource")));
        var dlq = Assert.Single(statements, s => s != invoke);
        Assert.Equal(["sqs:SendMessage"], Yaml.Texts(Yaml.Get(dlq, "Action")));
        Assert.Equal(("ScheduleDeadLetterQueue", "Arn"), Yaml.GetAtt(Yaml.Get(dlq, "Resource")));
    }

    [Fact]
    public void Scheduler_permission_is_limited_to_the_schedule()
    {
        Assert.Equal("AWS::Lambda::Permission", Template.TypeOf("SchedulerInvokePermission"));
        var permission = Template.Properties("SchedulerInvokePermission");

        Assert.Equal("lambda:InvokeFunction", Yaml.Text(permission, "Action"));
        Assert.Equal("scheduler.amazonaws.com", Yaml.Text(permission, "Principal"));
        Assert.Equal($"{Bot}.Alias", Yaml.RefName(permission["FunctionName"]));
        Assert.Equal(("DailyMitzvahSchedule", "Arn"), Yaml.GetAtt(permission["SourceArn"]));
    }

    [Fact]
    public void Both_functions_publish_the_live_alias_the_code_deployment_moves()
    {
        foreach (var function in new[] { Bot, Consent })
        {
            Assert.Equal("live", Template.FunctionProperty(function, "AutoPublishAlias"));
        }
    }

    [Fact]
    public void The_bot_may_run_long_and_overlap()
    {
        Assert.True(int.Parse(Assert.IsType<string>(Template.FunctionProperty(Bot, "Timeout"))) >= 300);
        Assert.Null(Template.FunctionProperty(Bot, "ReservedConcurrentExecutions"));
        Assert.True(int.Parse(Assert.IsType<string>(Template.FunctionProperty(Bot, "MemorySize"))) >= 512);
    }

    [Fact]
    public void Subscribers_table_has_the_phone_key_and_the_sparse_opted_in_and_due_indexes()
    {
        var table = Table("SubscribersTable", "${AWS::StackName}-subscribers", ("phone", "HASH", "S"));

        var indexes = Yaml.List(table["GlobalSecondaryIndexes"], "GlobalSecondaryIndexes");
        Assert.Equal(["opted-in-index", "due-index"], indexes.Select(index => Yaml.Text(index, "IndexName")));
        Assert.Equal([("opted_in", "HASH"), ("phone", "RANGE")], KeySchema(Yaml.Get(indexes[0], "KeySchema")));
        Assert.Equal([("opted_in", "HASH"), ("due_key", "RANGE")], KeySchema(Yaml.Get(indexes[1], "KeySchema")));
        Assert.All(indexes, index => Assert.Equal("ALL", Yaml.Text(index, "Projection", "ProjectionType")));
        Assert.Equal("S", AttributeTypes(table)["opted_in"]);
        Assert.Equal("S", AttributeTypes(table)["due_key"]);
        Assert.Equal(3, AttributeTypes(table).Count);
        AssertKeptAndRecoverable("SubscribersTable", table);
    }

    [Fact]
    public void Consent_history_table_is_keyed_by_phone_and_version()
    {
        var table = Table("ConsentHistoryTable", "${AWS::StackName}-consent-history", ("phone", "HASH", "S"), ("version", "RANGE", "N"));

        AssertKeptAndRecoverable("ConsentHistoryTable", table);
    }

    [Fact]
    public void Deliveries_table_is_keyed_by_study_date_and_phone_and_expires()
    {
        var table = Table("DeliveriesTable", "${AWS::StackName}-deliveries", ("study_date", "HASH", "S"), ("phone", "RANGE", "S"));

        Assert.Equal("expires_at", Yaml.Text(table, "TimeToLiveSpecification", "AttributeName"));
        Assert.Equal("true", Yaml.Text(table, "TimeToLiveSpecification", "Enabled"));
    }

    [Theory]
    [InlineData("SubscribersTable", "SUBSCRIBERS_TABLE")]
    [InlineData("ConsentHistoryTable", "CONSENT_HISTORY_TABLE")]
    [InlineData("DeliveriesTable", "DELIVERIES_TABLE")]
    public void Table_names_reach_the_functions_that_use_them(string table, string setting)
    {
        var users = new[] { Bot, Consent }.Where(f => Template.FunctionEnvironment(f).ContainsKey(setting)).ToList();

        Assert.NotEmpty(users);
        Assert.All(users, f => Assert.Equal(table, Yaml.RefName(Template.FunctionEnvironment(f)[setting])));
    }

    [Fact]
    public void Bot_policy_grants_exactly_the_daily_run_actions()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["SubscribersTable/index/opted-in-index"] = ["dynamodb:Query"],
            ["SubscribersTable/index/due-index"] = ["dynamodb:Query"],
            ["SubscribersTable"] = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            ["ConsentHistoryTable"] = ["dynamodb:PutItem", "dynamodb:Query"],
            ["DeliveriesTable"] = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            ["DailyMitzvahBotFailureQueue"] = ["sqs:SendMessage"],
        };

        AssertGrants(Bot, expected);
    }

    [Fact]
    public void Consent_policy_grants_exactly_the_consent_actions()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["SubscribersTable"] = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            ["SubscribersTable/index/opted-in-index"] = ["dynamodb:Query"],
            ["ConsentHistoryTable"] = ["dynamodb:PutItem", "dynamodb:Query"],
            ["DeliveriesTable"] = ["dynamodb:GetItem", "dynamodb:UpdateItem"],
        };

        AssertGrants(Consent, expected);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Logs_go_to_an_explicit_log_group_with_the_retention_parameter(string function, Type handlerType)
    {
        _ = handlerType;

        var logGroup = Yaml.RefName(Yaml.Get(Template.FunctionProperty(function, "LoggingConfig"), "LogGroup"));

        Assert.NotNull(logGroup);
        Assert.Equal("AWS::Logs::LogGroup", Template.TypeOf(logGroup));
        Assert.Equal("LogRetentionInDays", Yaml.RefName(Template.Properties(logGroup)["RetentionInDays"]));
        Assert.Equal("90", Yaml.Text(Template.Parameters["LogRetentionInDays"], "Default"));
    }

    [Fact]
    public void Consent_URL_is_public_with_CORS_from_the_AllowedOrigin_parameter()
    {
        var url = Template.FunctionProperty(Consent, "FunctionUrlConfig");

        Assert.Equal("NONE", Yaml.Text(url, "AuthType"));
        var origins = Yaml.List(Yaml.Get(url, "Cors", "AllowOrigins"), "AllowOrigins");
        Assert.Equal("AllowedOrigin", Yaml.RefName(Assert.Single(origins)));
        Assert.True(Template.Parameters.ContainsKey("AllowedOrigin"));
        Assert.Contains("POST", Yaml.Texts(Yaml.Get(url, "Cors", "AllowMethods")));
    }

    [Fact]
    public void Send_URL_requires_IAM()
    {
        Assert.Equal("AWS_IAM", Yaml.Text(Template.FunctionProperty(Bot, "FunctionUrlConfig"), "AuthType"));
    }

    [Fact]
    public void Outputs_give_the_function_URLs_not_ARNs()
    {
        var values = Template.Outputs.Values.Select(o => Yaml.GetAtt(Yaml.Get(o, "Value"))).OfType<(string, string)>().ToList();

        Assert.Contains(($"{Bot}Url", "FunctionUrl"), values);
        Assert.Contains(($"{Consent}Url", "FunctionUrl"), values);
        Assert.DoesNotContain(values, v => v.Item1.EndsWith("Url", StringComparison.Ordinal) && v.Item2 != "FunctionUrl");
        foreach (var table in new[] { "SubscribersTable", "ConsentHistoryTable", "DeliveriesTable" })
        {
            Assert.Contains(Template.Outputs.Values, o => Yaml.RefName(Yaml.Get(o, "Value")) == table);
        }
    }

    [Fact]
    public void Samconfig_deploys_the_mitzvah_stack_without_secrets()
    {
        var config = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "aws", "samconfig.toml"));
        var deploy = config[config.IndexOf("[default.deploy.parameters]", StringComparison.Ordinal)..];
        deploy = deploy.Split("\n[", 2)[0];

        Assert.StartsWith("version = 0.1", config.Split('\n').First(l => !l.StartsWith('#')), StringComparison.Ordinal);
        Assert.Contains("stack_name = \"mitzvah\"", deploy, StringComparison.Ordinal);
        Assert.Contains("region = \"us-east-1\"", deploy, StringComparison.Ordinal);
        Assert.Contains("capabilities = \"CAPABILITY_IAM\"", deploy, StringComparison.Ordinal);
        Assert.Contains("resolve_s3 = true", deploy, StringComparison.Ordinal);
        Assert.Contains("confirm_changeset = false", deploy, StringComparison.Ordinal);
        var overrides = deploy.Split('\n').Single(l => l.StartsWith("parameter_overrides", StringComparison.Ordinal));
        foreach (var (name, parameter) in Template.Parameters)
        {
            if (Yaml.Text(parameter, "NoEcho") == "true")
            {
                Assert.DoesNotContain(name, overrides, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void No_function_may_delete_or_rewrite_consent_history(string function, Type handlerType)
    {
        _ = handlerType;

        var actions = GrantedActions(function).GetValueOrDefault("ConsentHistoryTable") ?? [];

        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.Contains(a, new[] { "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query" }));
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Logs_are_JSON_so_the_embedded_metric_line_stays_an_object(string function, Type handlerType)
    {
        _ = handlerType;

        Assert.Equal("JSON", Yaml.Text(Template.FunctionProperty(function, "LoggingConfig"), "LogFormat"));
    }

    [Fact]
    public void Alarms_notify_an_operator_topic_with_an_optional_email_subscription()
    {
        Assert.Equal("AWS::SNS::Topic", Template.TypeOf("OperatorTopic"));
        var email = Template.Parameters["OperatorEmail"];
        Assert.Equal("", Yaml.Text(email, "Default"));
        var pattern = new System.Text.RegularExpressions.Regex(Yaml.Text(email, "AllowedPattern")!);
        Assert.Matches(pattern, "");
        Assert.Matches(pattern, "operator@example.org");
        Assert.DoesNotMatch(pattern, "not an address");

        Assert.Equal("AWS::SNS::Subscription", Template.TypeOf("OperatorEmailSubscription"));
        Assert.Equal("HasOperatorEmail", Yaml.Text(Template.Resource("OperatorEmailSubscription"), "Condition"));
        var subscription = Template.Properties("OperatorEmailSubscription");
        Assert.Equal("email", Yaml.Text(subscription, "Protocol"));
        Assert.Equal("OperatorEmail", Yaml.RefName(subscription["Endpoint"]));
        Assert.Equal("OperatorTopic", Yaml.RefName(subscription["TopicArn"]));

        // HasOperatorEmail: !Not [!Equals [!Ref OperatorEmail, ""]]
        var condition = Yaml.Get(Template.Root, "Conditions", "HasOperatorEmail");
        var equals = Yaml.List(Yaml.Get(Yaml.List(Yaml.Get(condition, "Fn::Not"), "Fn::Not")[0], "Fn::Equals"), "Fn::Equals");
        Assert.Equal("OperatorEmail", Yaml.RefName(equals[0]));
        Assert.Equal("", equals[1]);
    }

    [Theory]
    [InlineData("DailyMitzvahBotErrorsAlarm", "AWS/Lambda", "Errors", "FunctionName", "DailyMitzvahBot", "notBreaching")]
    [InlineData("ConsentHandlerErrorsAlarm", "AWS/Lambda", "Errors", "FunctionName", "ConsentHandler", "notBreaching")]
    [InlineData("ScheduleDeadLetterAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "ScheduleDeadLetterQueue", "notBreaching")]
    [InlineData("DailyMitzvahBotFailureQueueAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "DailyMitzvahBotFailureQueue", "notBreaching")]
    [InlineData("FailedSendsAlarm", null, "Failed", "Function", "DailyMitzvahBot", "notBreaching")]
    [InlineData("MissingHeartbeatAlarm", null, "Heartbeat", "Function", "DailyMitzvahBot", "breaching")]
    [InlineData("DeliveredRatioAlarm", null, "PreviousDeliveredPercent", "Function", "DailyMitzvahBot", "notBreaching")]
    [InlineData("MessagingLimitAlarm", null, "MessagingLimitStops", "Function", "DailyMitzvahBot", "notBreaching")]
    public void Each_alarm_watches_its_metric_and_notifies_the_operator(string alarm, string? awsNamespace, string metric, string dimension, string resource, string missingData)
    {
        Assert.Equal("AWS::CloudWatch::Alarm", Template.TypeOf(alarm));
        var properties = Template.Properties(alarm);

        if (awsNamespace is null)
        {
            // The run's own metrics: the namespace the bot is told to write, the stack name.
            Assert.Equal("AWS::StackName", Yaml.RefName(properties["Namespace"]));
            Assert.Equal("AWS::StackName", Yaml.RefName(Template.FunctionEnvironment(Bot)[EmbeddedMetrics.NamespaceSetting]));
        }
        else
        {
            Assert.Equal(awsNamespace, Yaml.Text(properties, "Namespace"));
        }

        Assert.Equal(metric, Yaml.Text(properties, "MetricName"));
        var only = Assert.Single(Yaml.List(properties["Dimensions"], "Dimensions"));
        Assert.Equal(dimension, Yaml.Text(only, "Name"));
        var value = Yaml.Get(only, "Value");
        Assert.Equal(resource, Yaml.RefName(value) ?? Yaml.GetAtt(value)?.Resource);
        if (dimension == "QueueName")
        {
            Assert.Equal("QueueName", Yaml.GetAtt(value)?.Attribute);
        }

        Assert.Equal(missingData, Yaml.Text(properties, "TreatMissingData"));
        Assert.Contains("OperatorTopic", Yaml.List(properties["AlarmActions"], "AlarmActions").Select(Yaml.RefName));
    }

    [Fact]
    public void Failed_sends_alarm_on_any_failure()
    {
        var properties = Template.Properties("FailedSendsAlarm");

        Assert.Equal("Sum", Yaml.Text(properties, "Statistic"));
        Assert.Equal("GreaterThanThreshold", Yaml.Text(properties, "ComparisonOperator"));
        Assert.Equal("0", Yaml.Text(properties, "Threshold"));
    }

    [Fact]
    public void A_run_stopped_at_the_messaging_limit_alarms_and_is_on_the_dashboard()
    {
        var properties = Template.Properties("MessagingLimitAlarm");

        Assert.Equal("Sum", Yaml.Text(properties, "Statistic"));
        Assert.Equal("GreaterThanThreshold", Yaml.Text(properties, "ComparisonOperator"));
        Assert.Equal("0", Yaml.Text(properties, "Threshold"));
        Assert.Contains("${MessagingLimitAlarm.Arn}", Yaml.SubText(Template.Properties("OperatorDashboard")["DashboardBody"])!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_day_and_two_hours_without_a_heartbeat_alarm()
    {
        var properties = Template.Properties("MissingHeartbeatAlarm");
        var period = int.Parse(Yaml.Text(properties, "Period")!, System.Globalization.CultureInfo.InvariantCulture);
        var periods = int.Parse(Yaml.Text(properties, "EvaluationPeriods")!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.FromHours(26), TimeSpan.FromSeconds(period * periods));
        Assert.Equal(Yaml.Text(properties, "EvaluationPeriods"), Yaml.Text(properties, "DatapointsToAlarm"));
        Assert.Equal("Sum", Yaml.Text(properties, "Statistic"));
        Assert.Equal("LessThanThreshold", Yaml.Text(properties, "ComparisonOperator"));
        Assert.Equal("1", Yaml.Text(properties, "Threshold"));
    }

    [Fact]
    public void The_delivered_ratio_alarm_fires_under_the_operators_percentage_80_by_default()
    {
        var properties = Template.Properties("DeliveredRatioAlarm");
        var parameter = Yaml.Get(Template.Root, "Parameters", "DeliveredPercentAlarmThreshold");

        Assert.Equal("DeliveredPercentAlarmThreshold", Yaml.RefName(properties["Threshold"]));
        Assert.Equal("80", Yaml.Text(parameter, "Default"));
        Assert.Equal("LessThanThreshold", Yaml.Text(properties, "ComparisonOperator"));
        Assert.Equal("Minimum", Yaml.Text(properties, "Statistic"));
    }

    [Fact]
    public void The_run_metric_alarms_name_metrics_the_bot_writes_with_the_dimension_it_writes()
    {
        var previous = Core.Delivery.DeliveryReport.From(new DateOnly(2026, 11, 24), new DateOnly(2026, 11, 24), [DeliveryRecords.Delivered("+15550000001")]);
        var summary = new Core.Sending.SendSummary(new DateOnly(2026, 11, 25), true, null, [], "twilio", "subscribers", false, null, 1, 1, 0, 0, 0, 0, 0, 0, 10, Previous: previous);
        using var line = JsonDocument.Parse(EmbeddedMetrics.Render(summary, "mitzvah", "bot", DateTimeOffset.UnixEpoch));
        var directive = line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        var written = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        var dimensions = directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()).ToList();

        foreach (var alarm in new[] { "FailedSendsAlarm", "MissingHeartbeatAlarm", "DeliveredRatioAlarm", "MessagingLimitAlarm" })
        {
            var properties = Template.Properties(alarm);
            Assert.Contains(Yaml.Text(properties, "MetricName"), written);
            Assert.Equal(dimensions, Yaml.List(properties["Dimensions"], "Dimensions").Select(d => Yaml.Text(d, "Name")));
        }
    }

    [Fact]
    public void A_run_that_fails_every_retry_lands_in_a_failure_queue_not_nowhere()
    {
        var config = Template.FunctionProperty(Bot, "EventInvokeConfig");
        var retries = int.Parse(Yaml.Text(config, "MaximumRetryAttempts")!, System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(retries, 0, 2);
        Assert.Equal("SQS", Yaml.Text(config, "DestinationConfig", "OnFailure", "Type"));
        Assert.Equal(("DailyMitzvahBotFailureQueue", "Arn"), Yaml.GetAtt(Yaml.Get(config, "DestinationConfig", "OnFailure", "Destination")));
        Assert.Equal("AWS::SQS::Queue", Template.TypeOf("DailyMitzvahBotFailureQueue"));
        Assert.Contains("sqs:SendMessage", GrantedActions(Bot)["DailyMitzvahBotFailureQueue"]);
    }

    [Fact]
    public void The_dashboard_shows_sent_and_failed_per_day_and_subscribers()
    {
        Assert.Equal("AWS::CloudWatch::Dashboard", Template.TypeOf("OperatorDashboard"));
        var body = Yaml.SubText(Template.Properties("OperatorDashboard")["DashboardBody"])!;

        using var dashboard = JsonDocument.Parse(System.Text.RegularExpressions.Regex.Replace(body, @"\$\{[^}]+\}", "x"));
        var metrics = dashboard.RootElement.GetProperty("widgets").EnumerateArray()
            .Where(w => w.GetProperty("type").GetString() == "metric")
            .SelectMany(w => w.GetProperty("properties").GetProperty("metrics").EnumerateArray())
            .Select(m => m[1].GetString())
            .ToList();
        Assert.Contains("Sent", metrics);
        Assert.Contains("Failed", metrics);
        Assert.Contains("Eligible", metrics);
        Assert.Contains("\"period\": 86400", body, StringComparison.Ordinal);
        Assert.Contains("${AWS::StackName}", body, StringComparison.Ordinal);
    }

    /// <summary>(condition, parameter) of <c>!If [condition, !Ref parameter, !Ref AWS::NoValue]</c>, else null.</summary>
    private static (string Condition, string Parameter)? ConditionalRef(object? value) =>
        Yaml.Get(value, "Fn::If") is List<object?> { Count: 3 } branches
            && branches[0] is string condition
            && Yaml.RefName(branches[1]) is { } parameter
            && Yaml.RefName(branches[2]) == "AWS::NoValue"
            ? (condition, parameter)
            : null;

    private static Type ResolveHandlerType(string handler, out string methodName)
    {
        var parts = handler.Split("::");
        Assert.True(parts.Length == 3, $"Handler {handler} is not Assembly::Type::Method.");
        Assert.Equal(HandlerAssembly.GetName().Name, parts[0]);
        var type = HandlerAssembly.GetType(parts[1], throwOnError: false);
        Assert.True(type is not null, $"{parts[0]} has no type {parts[1]}.");
        methodName = parts[2];
        return type;
    }

    private static IReadOnlyList<string> RequiredSettings(Type handlerType)
    {
        var property = handlerType.GetProperty("RequiredSettings", BindingFlags.Public | BindingFlags.Static);
        Assert.True(property is not null, $"{handlerType} has no public static RequiredSettings.");
        return Assert.IsAssignableFrom<IReadOnlyList<string>>(property.GetValue(null));
    }

    /// <summary>Consent evidence must survive a stack deletion or replacement, and a bad write.</summary>
    private static void AssertKeptAndRecoverable(string logicalId, Dictionary<string, object?> table)
    {
        Assert.Equal("true", Yaml.Text(table, "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"));
        Assert.Equal("Retain", Yaml.Text(Template.Resource(logicalId), "DeletionPolicy"));
        Assert.Equal("Retain", Yaml.Text(Template.Resource(logicalId), "UpdateReplacePolicy"));
    }

    private static Dictionary<string, object?> Table(string logicalId, string name, params (string Attribute, string KeyType, string Type)[] keys)
    {
        Assert.Equal("AWS::DynamoDB::Table", Template.TypeOf(logicalId));
        var table = Template.Properties(logicalId);

        Assert.Equal(name, Yaml.SubText(table["TableName"]));
        Assert.Equal("PAY_PER_REQUEST", Yaml.Text(table, "BillingMode"));
        Assert.Equal(keys.Select(k => (k.Attribute, k.KeyType)), KeySchema(table["KeySchema"]));
        var types = AttributeTypes(table);
        foreach (var key in keys)
        {
            Assert.Equal(key.Type, types.GetValueOrDefault(key.Attribute));
        }

        return table;
    }

    private static List<(string, string)> KeySchema(object? schema) =>
        Yaml.List(schema, "KeySchema")
            .Select(k => (Yaml.Text(k, "AttributeName") ?? "", Yaml.Text(k, "KeyType") ?? ""))
            .ToList();

    private static Dictionary<string, string?> AttributeTypes(Dictionary<string, object?> table) =>
        Yaml.List(table["AttributeDefinitions"], "AttributeDefinitions")
            .ToDictionary(a => Yaml.Text(a, "AttributeName") ?? "", a => Yaml.Text(a, "AttributeType"));

    /// <summary>Asserts a function's inline policies grant exactly these actions per resource, nothing with a wildcard.</summary>
    private static void AssertGrants(string function, Dictionary<string, string[]> expected)
    {
        var granted = GrantedActions(function);
        Assert.All(granted.Values.SelectMany(a => a), a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        Assert.Equal(
            expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {string.Join(" ", e.Value.Order(StringComparer.Ordinal))}"),
            granted.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
    }

    /// <summary>The actions a function's inline policies grant, per resource of this stack.</summary>
    private static Dictionary<string, SortedSet<string>> GrantedActions(string function)
    {
        var granted = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var policy in Yaml.List(Template.FunctionProperty(function, "Policies"), $"{function}.Policies"))
        {
            Assert.True(policy is Dictionary<string, object?>, $"{function} uses a managed or SAM policy template; write its statements instead.");
            foreach (var statement in Yaml.List(Yaml.Get(policy, "Statement"), "Statement"))
            {
                Assert.Equal("Allow", Yaml.Text(statement, "Effect"));
                var actions = Yaml.Texts(Yaml.Get(statement, "Action"));
                var resources = Yaml.Get(statement, "Resource") is List<object?> list ? list : [Yaml.Get(statement, "Resource")];
                foreach (var resource in resources)
                {
                    var name = ResourceName(resource);
                    Assert.True(name is not null, $"{function}: a statement grants {string.Join(", ", actions)} on a resource that is not one of this stack.");
                    if (!granted.TryGetValue(name, out var set))
                    {
                        granted[name] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.UnionWith(actions);
                }
            }
        }

        return granted;
    }

    /// <summary>"Table" for <c>!GetAtt Table.Arn</c>, "Table/index/name" for <c>!Sub ${Table.Arn}/index/name</c>.</summary>
    private static string? ResourceName(object? resource)
    {
        if (Yaml.GetAtt(resource) is ({ } table, "Arn"))
        {
            return table;
        }

        return Yaml.SubText(resource) is { } sub && sub.StartsWith("${", StringComparison.Ordinal) && sub.IndexOf(".Arn}", StringComparison.Ordinal) is > 2 and var end
            ? sub[2..end] + sub[(end + 5)..]
            : null;
    }
}
