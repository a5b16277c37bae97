using Mitzvah.Testing.StandIns;

namespace Mitzvah.Deploy.Tests;

public sealed class DeployWorkflowTests
{
    private static readonly Lazy<Dictionary<string, object?>> Ci = new(() => Load("ci.yml"));
    private static readonly Lazy<Dictionary<string, object?>> DeploySam = new(() => Load("deploy-sam.yml"));
    private static readonly Lazy<Dictionary<string, object?>> DeployLambda = new(() => Load("deploy-lambda.yml"));
    private static readonly Lazy<Dictionary<string, object?>> DeployAzure = new(() => Load("deploy-azure.yml"));

    public static TheoryData<string> Workflows => new("ci.yml", "deploy-sam.yml", "deploy-lambda.yml", "deploy-azure.yml");

    public static TheoryData<string> AwsDeployWorkflows => new("deploy-sam.yml", "deploy-lambda.yml");

    [Fact]
    public void Ci_tests_pushes_pull_requests_and_deploy_calls_with_the_CI_script()
    {
        var on = Yaml.Map(Ci.Value["on"], "ci on");
        Assert.True(on.ContainsKey("push") && on.ContainsKey("pull_request") && on.ContainsKey("workflow_call"));

        var steps = Steps(Ci.Value, "test");
        Assert.Contains(steps, s => Yaml.Text(s, "uses")?.StartsWith("actions/setup-dotnet@", StringComparison.Ordinal) == true
            && Yaml.Text(s, "with", "global-json-file") == "global.json");
        Assert.Contains(steps, s => Yaml.Text(s, "uses")?.StartsWith("actions/setup-node@", StringComparison.Ordinal) == true
            && Yaml.Text(s, "with", "node-version") == "20");
        var run = Assert.Single(steps, s => Yaml.Text(s, "run") == "bash .ci/run");
        Assert.Equal("/usr/bin/google-chrome", Yaml.Text(run, "env", "CHROMIUM_PATH"));
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Every_job_runs_on_ubuntu_latest_or_calls_a_workflow(string workflow)
    {
        foreach (var (name, job) in Yaml.Map(Load(workflow)["jobs"], "jobs"))
        {
            Assert.True(
                Yaml.Text(job, "runs-on") == "ubuntu-latest" || Yaml.Text(job, "uses") is not null,
                $"{workflow} job {name} must run on ubuntu-latest.");
        }
    }

    [Theory]
    [MemberData(nameof(Workflows))]
    public void Secrets_reach_scripts_only_through_the_environment(string workflow)
    {
        foreach (var (name, job) in Yaml.Map(Load(workflow)["jobs"], "jobs"))
        {
            foreach (var step in Yaml.Get(job, "steps") as List<object?> ?? [])
            {
                var run = Yaml.Text(step, "run") ?? "";
                Assert.False(run.Contains("secrets.", StringComparison.Ordinal), $"{workflow} job {name}: a run script expands a secret into its text.");
            }
        }
    }

    [Fact]
    public void Deploy_sam_runs_on_main_after_the_tests_one_deployment_at_a_time()
    {
        Assert.Equal(["main"], Yaml.Texts(Yaml.Get(DeploySam.Value, "on", "push", "branches")));
        Assert.Equal("deploy-sam", Yaml.Text(DeploySam.Value, "concurrency", "group"));
        Assert.Equal("false", Yaml.Text(DeploySam.Value, "concurrency", "cancel-in-progress"));

        var jobs = Yaml.Map(DeploySam.Value["jobs"], "jobs");
        var needs = Yaml.Texts(Yaml.Get(jobs["deploy"], "needs"));
        var test = Assert.Single(needs);
        Assert.Equal("./.github/workflows/ci.yml", Yaml.Text(jobs[test], "uses"));
        Assert.Equal("write", Yaml.Text(jobs["deploy"], "permissions", "id-token"));
    }

    [Fact]
    public void Deploy_sam_recovers_builds_deploys_and_smoke_tests_without_sending()
    {
        var steps = Steps(DeploySam.Value, "deploy");
        var scripts = string.Join("\n", steps.Select(s => Yaml.Text(s, "run")).OfType<string>());

        Assert.Contains(steps, s => Yaml.Text(s, "uses")?.StartsWith("aws-actions/setup-sam@", StringComparison.Ordinal) == true);
        Assert.Contains("ROLLBACK_COMPLETE", scripts, StringComparison.Ordinal);
        Assert.Contains("delete-stack", scripts, StringComparison.Ordinal);
        Assert.Contains("stack-delete-complete", scripts, StringComparison.Ordinal);
        Assert.Contains("LastUpdateStatus", scripts, StringComparison.Ordinal);
        Assert.Contains("sam build", scripts, StringComparison.Ordinal);
        var deploy = Assert.Single(steps, s => Yaml.Text(s, "run")?.TrimStart().StartsWith("sam deploy", StringComparison.Ordinal) == true);
        var deployScript = Yaml.Text(deploy, "run")!;
        Assert.Contains("--no-fail-on-empty-changeset", deployScript, StringComparison.Ordinal);
        Assert.Contains("--parameter-overrides", deployScript, StringComparison.Ordinal);
        foreach (var (name, parameter) in SamTemplate.Current.Parameters.Where(p => Yaml.Text(p.Value, "NoEcho") == "true"))
        {
            _ = parameter;
            Assert.Contains($"{name}=", deployScript, StringComparison.Ordinal);
        }

        AssertDryRunSmokeTest(steps);
    }

    [Fact]
    public void Deploy_sam_smoke_tests_both_functions_and_moves_live_back_when_either_fails()
    {
        var steps = Steps(DeploySam.Value, "deploy");
        int IndexOf(Func<string, bool> run) => steps.FindIndex(s => Yaml.Text(s, "run") is { } script && run(script));

        var remember = IndexOf(r => r.Contains("get-alias", StringComparison.Ordinal) && r.Contains("_PREVIOUS=", StringComparison.Ordinal));
        var deploy = IndexOf(r => r.TrimStart().StartsWith("sam deploy", StringComparison.Ordinal));
        var botSmoke = IndexOf(r => r.Contains("aws lambda invoke", StringComparison.Ordinal));
        var consentSmoke = IndexOf(r => r.Contains("/api/consent", StringComparison.Ordinal) && r.Contains("ConsentFunctionUrl", StringComparison.Ordinal));
        var rollback = IndexOf(r => r.Contains("update-alias", StringComparison.Ordinal));

        Assert.True(remember >= 0 && remember < deploy, "The live versions are read before sam deploy moves them.");
        Assert.True(deploy < botSmoke && deploy < consentSmoke, "Both smoke tests run after sam deploy.");
        Assert.True(botSmoke < rollback && consentSmoke < rollback, "The rollback comes after both smoke tests.");
        var consentScript = Yaml.Text(steps[consentSmoke], "run")!;
        Assert.Contains("200", consentScript, StringComparison.Ordinal);
        Assert.Contains("exit 1", consentScript, StringComparison.Ordinal);
        var rollbackStep = steps[rollback];
        Assert.Contains("failure()", Yaml.Text(rollbackStep, "if"), StringComparison.Ordinal);
        var rollbackScript = Yaml.Text(rollbackStep, "run")!;
        Assert.Contains("--name live", rollbackScript, StringComparison.Ordinal);
        Assert.Contains("_PREVIOUS", rollbackScript, StringComparison.Ordinal);
        Assert.Contains("DailyMitzvahBot ConsentHandler", rollbackScript, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AwsDeployWorkflows))]
    public void AWS_credentials_come_from_the_OIDC_role_when_set_else_from_access_key_secrets(string workflow)
    {
        var document = Load(workflow);
        var job = Assert.Single(Yaml.Map(document["jobs"], "jobs"), j => Yaml.Get(j.Value, "steps") is not null);
        var steps = Steps(document, job.Key);
        var credentials = steps.Where(s => Yaml.Text(s, "uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true).ToList();

        Assert.Equal("${{ secrets.AWS_DEPLOY_ROLE_ARN }}", Yaml.Text(job.Value, "env", "AWS_DEPLOY_ROLE_ARN"));
        Assert.Equal(2, credentials.Count);
        var oidc = Assert.Single(credentials, s => Yaml.Text(s, "with", "role-to-assume") is not null);
        Assert.Equal("env.AWS_DEPLOY_ROLE_ARN != ''", Yaml.Text(oidc, "if"));
        Assert.Equal("${{ env.AWS_DEPLOY_ROLE_ARN }}", Yaml.Text(oidc, "with", "role-to-assume"));
        var keys = Assert.Single(credentials, s => Yaml.Text(s, "with", "aws-access-key-id") is not null);
        Assert.Equal("env.AWS_DEPLOY_ROLE_ARN == ''", Yaml.Text(keys, "if"));
        Assert.Equal("${{ secrets.AWS_ACCESS_KEY_ID }}", Yaml.Text(keys, "with", "aws-access-key-id"));
        Assert.Equal("${{ secrets.AWS_SECRET_ACCESS_KEY }}", Yaml.Text(keys, "with", "aws-secret-access-key"));
        Assert.Null(Yaml.Text(keys, "with", "role-to-assume"));
    }

    [Fact]
    public void Deploy_lambda_runs_only_by_hand()
    {
        var on = Yaml.Map(DeployLambda.Value["on"], "deploy-lambda on");

        Assert.Equal(["workflow_dispatch"], on.Keys);
        var job = Assert.Single(Yaml.Map(DeployLambda.Value["jobs"], "jobs").Values);
        Assert.DoesNotContain("workflow_run", Yaml.Text(job, "if") ?? "", StringComparison.Ordinal);
        Assert.Equal(Yaml.Text(DeploySam.Value, "concurrency", "group"), Yaml.Text(DeployLambda.Value, "concurrency", "group"));
        Assert.Equal("false", Yaml.Text(DeployLambda.Value, "concurrency", "cancel-in-progress"));
    }

    [Fact]
    public void Deploy_lambda_publishes_for_the_templates_architecture_and_moves_the_live_alias()
    {
        var job = Yaml.Map(DeployLambda.Value["jobs"], "jobs").Keys.Single();
        var steps = Steps(DeployLambda.Value, job);
        var scripts = string.Join("\n", steps.Select(s => Yaml.Text(s, "run")).OfType<string>());
        var architecture = Yaml.Texts(SamTemplate.Current.FunctionProperty("DailyMitzvahBot", "Architectures")).Single();
        var runtimeIdentifier = architecture == "arm64" ? "linux-arm64" : "linux-x64";

        Assert.Contains("StackStatus", scripts, StringComparison.Ordinal);
        Assert.Contains("*ROLLBACK*", scripts, StringComparison.Ordinal);
        Assert.Contains($"dotnet publish src/Mitzvah.Aws -c Release -r {runtimeIdentifier} --self-contained false", scripts, StringComparison.Ordinal);
        // The runtime runs `dotnet exec <Handler>.dll`: the project is a program, and the package is checked to hold it.
        var project = System.Xml.Linq.XDocument.Load(Path.Combine(Mitzvah.Testing.StandIns.RepositoryPaths.Root, "src", "Mitzvah.Aws", "Mitzvah.Aws.csproj"));
        Assert.Equal("Exe", project.Descendants("OutputType").Single().Value);
        var handler = Assert.IsType<string>(SamTemplate.Current.FunctionProperty("DailyMitzvahBot", "Handler"));
        Assert.Contains($"artifacts/lambda/{handler}.dll", scripts, StringComparison.Ordinal);
        Assert.Contains($"artifacts/lambda/{handler}.runtimeconfig.json", scripts, StringComparison.Ordinal);
        Assert.Contains("update-function-code", scripts, StringComparison.Ordinal);
        Assert.Contains("--publish", scripts, StringComparison.Ordinal);
        Assert.Contains("LastUpdateStatus", scripts, StringComparison.Ordinal);
        Assert.Contains("update-alias", scripts, StringComparison.Ordinal);
        Assert.Contains($"--name {SamTemplate.Current.FunctionProperty("DailyMitzvahBot", "AutoPublishAlias")}", scripts, StringComparison.Ordinal);
        AssertDryRunSmokeTest(steps);
    }

    [Fact]
    public void Deploy_azure_retries_the_code_deploy_restarts_and_waits_for_health()
    {
        var steps = Steps(DeployAzure.Value, "deploy");
        var deploys = steps.Select((s, i) => (Step: s, Index: i))
            .Where(s => Yaml.Text(s.Step, "uses")?.StartsWith("Azure/functions-action@", StringComparison.Ordinal) == true)
            .ToList();
        int IndexOf(string text) => steps.FindIndex(s => Yaml.Text(s, "run")?.Contains(text, StringComparison.Ordinal) == true);

        Assert.Equal(2, deploys.Count);
        var first = deploys[0].Step;
        Assert.Equal("true", Yaml.Text(first, "continue-on-error"));
        var id = Yaml.Text(first, "id");
        Assert.Equal($"steps.{id}.outcome == 'failure'", Yaml.Text(deploys[1].Step, "if"));
        var restart = IndexOf("az functionapp restart");
        var health = IndexOf("/api/health");
        Assert.True(deploys[1].Index < restart && restart < health, "Restart after the deploy, then wait for health.");
        var script = Yaml.Text(steps[health], "run")!;
        Assert.Contains("seq ", script, StringComparison.Ordinal);
        Assert.Contains("200", script, StringComparison.Ordinal);
        Assert.Contains("health.json", script, StringComparison.Ordinal);
        Assert.Contains("::error::", script, StringComparison.Ordinal);
        Assert.Contains("exit 1", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_azure_passes_the_send_token_and_operator_email_to_the_parameters_file()
    {
        var steps = Steps(DeployAzure.Value, "deploy");
        var infra = Assert.Single(steps, s => Yaml.Text(s, "run")?.Contains("az deployment group create", StringComparison.Ordinal) == true);

        Assert.Equal("${{ secrets.SEND_TOKEN }}", Yaml.Text(infra, "env", "SEND_TOKEN"));
        Assert.Equal("${{ secrets.OPERATOR_EMAIL }}", Yaml.Text(infra, "env", "OPERATOR_EMAIL"));
        var parameters = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure", "main.bicepparam"));
        Assert.Contains("readEnvironmentVariable('SEND_TOKEN')", parameters, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SMTP_USERNAME")]
    [InlineData("SMTP_PASSWORD")]
    [InlineData("MAIL_FROM")]
    [InlineData("MAIL_RATE_PER_SECOND")]
    [InlineData("MAIL_LINK_SECRET")]
    public void Deploy_azure_passes_the_mail_settings_to_the_parameters_file(string variable)
    {
        var steps = Steps(DeployAzure.Value, "deploy");
        var infra = Assert.Single(steps, s => Yaml.Text(s, "run")?.Contains("az deployment group create", StringComparison.Ordinal) == true);

        Assert.Equal($"${{{{ secrets.{variable} }}}}", Yaml.Text(infra, "env", variable));
        var parameters = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "azure", "main.bicepparam"));
        Assert.Contains($"readEnvironmentVariable('{variable}'", parameters, StringComparison.Ordinal);
    }

    private static void AssertDryRunSmokeTest(List<object?> steps)
    {
        var smoke = Assert.Single(steps, s => Yaml.Text(s, "run")?.Contains("aws lambda invoke", StringComparison.Ordinal) == true);
        var script = Yaml.Text(smoke, "run")!;

        Assert.Contains("\\\"dry_run\\\":true", script, StringComparison.Ordinal);
        Assert.Contains("test_date", script, StringComparison.Ordinal);
        Assert.DoesNotContain("test_recipient", script, StringComparison.Ordinal);
        Assert.Contains("FunctionError", script, StringComparison.Ordinal);
        Assert.Contains("studyDate", script, StringComparison.Ordinal);
        Assert.Contains("--qualifier live", script, StringComparison.Ordinal);
    }

    private static List<object?> Steps(Dictionary<string, object?> workflow, string job) =>
        Yaml.List(Yaml.Get(workflow, "jobs", job, "steps"), $"jobs.{job}.steps");

    private static Dictionary<string, object?> Load(string file) =>
        Yaml.Map(YamlTree.LoadFile(Path.Combine(RepositoryPaths.Root, ".github", "workflows", file)), file);
}
