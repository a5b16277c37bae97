using System.Text.Json;
using System.Text.RegularExpressions;
using Mitzvah.Core;
using Mitzvah.Core.Sending;
using Mitzvah.Smtp;
using Mitzvah.Testing.StandIns;
using Mitzvah.Twilio;

namespace Mitzvah.Deploy.Tests;

/// <summary>
/// Compiles azure/main.bicep with the pinned Bicep CLI and checks the wiring of the emitted ARM template: the Flex
/// Consumption app, its settings, the secrets in Key Vault, the identity's roles and the outputs.
/// </summary>
public sealed partial class BicepTests
{
    private const string Site = "Microsoft.Web/sites";
    private const string DailySchedule = "DAILY_MITZVAH_SCHEDULE";
    private const string RoleAssignment = "Microsoft.Authorization/roleAssignments";
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    // Core's signing secret of the links in mails (required whenever SMTP_HOST is set).
    private const string MailLinkSecret = "MAIL_LINK_SECRET";

    private static readonly string AzureFolder = Path.Combine(RepositoryPaths.Root, "azure");

    // One compilation for the whole class (each CLI start costs a few seconds).
    private static readonly Lazy<Task<BicepBuild>> MainBuild =
        new(() => BicepBuild.BuildAsync(Path.Combine(AzureFolder, "main.bicep")));

    [Fact]
    public async Task Main_template_compiles_without_warnings_or_errors()
    {
        var build = await MainBuild.Value;

        Assert.True(build.IsClean, build.Describe());
    }

    [Fact]
    public async Task A_misspelled_property_fails_the_check_although_bicep_exits_zero()
    {
        var folder = Directory.CreateTempSubdirectory("mitzvah-bicep-");
        try
        {
            var file = Path.Combine(folder.FullName, "typo.bicep");
            await File.WriteAllTextAsync(file, """
                resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
                  name: 'mitzvahtypo'
                  location: 'eastus'
                  kind: 'StorageV2'
                  sku: {
                    name: 'Standard_LRS'
                  }
                  properties: {
                    allowSharedKeyAcess: false
                  }
                }

                """);

            var build = await BicepBuild.BuildAsync(file);

            Assert.Equal(0, build.ExitCode);
            Assert.Contains("Microsoft.Storage/storageAccounts", build.Output, StringComparison.Ordinal);
            Assert.False(build.IsClean, build.Describe());
            Assert.Contains(build.Problems, line => line.Contains("Warning BCP089", StringComparison.Ordinal)
                && line.Contains("allowSharedKeyAcess", StringComparison.Ordinal));
            Assert.Contains("allowSharedKeyAcess", build.Describe(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Hosting_plan_is_flex_consumption_on_linux()
    {
        var template = await CompileMainAsync();

        var plan = SingleResource(template, "Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean());
    }

    [Fact]
    public async Task Function_app_runs_dotnet_isolated_10_from_a_container_it_reads_with_its_own_identity()
    {
        var template = await CompileMainAsync();

        var app = SingleResource(template, Site);
        var properties = app.GetProperty("properties");
        var config = properties.GetProperty("functionAppConfig");
        var storage = config.GetProperty("deployment").GetProperty("storage");

        Assert.Equal("functionapp,linux", app.GetProperty("kind").GetString());
        Assert.Equal("SystemAssigned", app.GetProperty("identity").GetProperty("type").GetString());
        Assert.Contains("Microsoft.Web/serverfarms", properties.GetProperty("serverFarmId").GetString(), StringComparison.Ordinal);
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Equal("SystemAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());

        var container = Expand(template, storage.GetProperty("value").GetString()!);
        Assert.Contains("primaryEndpoints.blob, 'app-package')", container, StringComparison.Ordinal);
        Assert.Contains(
            Resources(template, "Microsoft.Storage/storageAccounts/blobServices/containers"),
            resource => Expand(template, resource.GetProperty("name").GetString()!).Contains("'app-package')", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timer_schedule_is_the_15_minute_tick()
    {
        var template = await CompileMainAsync();
        var settings = AppSettings(template);

        Assert.Equal("0 */15 * * * *", Resolve(template, settings[DailySchedule]));
        Assert.Equal("America/Chicago", Resolve(template, settings[SettingNames.TimeZone]));
    }

    [Fact]
    public async Task App_settings_carry_every_setting_the_app_reads()
    {
        var template = await CompileMainAsync();

        var settings = AppSettings(template);

        foreach (var name in new[]
        {
            "AzureWebJobsStorage__accountName", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AZURE_TABLES_ENDPOINT",
            TwilioSettingNames.TwilioAccountSid, TwilioSettingNames.TwilioAuthToken, TwilioSettingNames.TwilioWhatsAppNumber,
            "WHATSAPP_TEMPLATE_SID", SettingNames.WebhookToken, SettingNames.SendToken, SettingNames.PublicConsentUrl,
            DailySchedule, SettingNames.TimeZone, "MITZVAH_SEND_CONCURRENCY",
            "WHATSAPP_CONFIRM_TEMPLATE_SID", SettingNames.WindowMarginMinutes, SettingNames.WebOptInsPerHour,
            SmtpSettingNames.SmtpHost, SmtpSettingNames.SmtpPort, SmtpSettingNames.SmtpSecurity, SmtpSettingNames.SmtpUsername,
            SmtpSettingNames.SmtpPassword, SmtpSettingNames.MailFrom, SmtpSettingNames.MailRatePerSecond, MailLinkSecret,
        })
        {
            Assert.True(settings.ContainsKey(name), $"app setting {name} is missing");
        }

        Assert.Equal("[variables('storageAccountName')]", settings["AzureWebJobsStorage__accountName"]);
        Assert.Contains("Microsoft.Storage/storageAccounts", settings["AZURE_TABLES_ENDPOINT"], StringComparison.Ordinal);
        Assert.EndsWith(".primaryEndpoints.table]", settings["AZURE_TABLES_ENDPOINT"], StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/components", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.Equal(Output(template, "consentUrl"), settings[SettingNames.PublicConsentUrl]);
    }

    [Fact]
    public async Task Flex_consumption_app_settings_are_left_out()
    {
        var template = await CompileMainAsync();

        var settings = AppSettings(template);

        // The Flex Consumption plan rejects or ignores these: runtime and deployment are set in functionAppConfig.
        foreach (var name in new[]
        {
            "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE",
            "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD",
            "AzureWebJobsStorage",
        })
        {
            Assert.False(settings.ContainsKey(name), $"app setting {name} is not supported on Flex Consumption");
        }
    }

    [Fact]
    public async Task Secrets_reach_the_app_only_as_key_vault_references()
    {
        var template = await CompileMainAsync();
        var settings = AppSettings(template);
        var secureParameters = template.GetProperty("parameters").EnumerateObject()
            .Where(parameter => parameter.Value.GetProperty("type").GetString() == "securestring")
            .Select(parameter => parameter.Name)
            .ToArray();

        Assert.Equal(
            new[] { "mailLinkSecret", "sendToken", "smtpPassword", "twilioAccountSid", "twilioAuthToken", "webhookToken" },
            secureParameters.Order(StringComparer.Ordinal));
        foreach (var (setting, parameter) in new[]
        {
            (TwilioSettingNames.TwilioAccountSid, "twilioAccountSid"),
            (TwilioSettingNames.TwilioAuthToken, "twilioAuthToken"),
            (SettingNames.WebhookToken, "webhookToken"),
            (SettingNames.SendToken, "sendToken"),
        })
        {
            var value = settings[setting];
            Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri={0})', reference(resourceId('Microsoft.KeyVault/vaults/secrets'", value, StringComparison.Ordinal);
            Assert.EndsWith(".secretUri)]", value, StringComparison.Ordinal);

            var secretName = SecretReference().Match(value).Groups["name"].Value;
            var secret = Assert.Single(
                Resources(template, "Microsoft.KeyVault/vaults/secrets"),
                resource => resource.GetProperty("name").GetString()!.EndsWith($"'{secretName}')]", StringComparison.Ordinal));
            Assert.Equal($"[parameters('{parameter}')]", secret.GetProperty("properties").GetProperty("value").GetString());
        }

        foreach (var (name, value) in settings)
        {
            Assert.False(
                secureParameters.Any(parameter => value.Contains($"parameters('{parameter}')", StringComparison.Ordinal)),
                $"app setting {name} holds a secret parameter inline: {value}");
        }

        var vault = SingleResource(template, "Microsoft.KeyVault/vaults").GetProperty("properties");
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
    }

    [Fact]
    public async Task Mail_goes_through_the_communication_services_relay_once_an_smtp_username_is_given()
    {
        var template = await CompileMainAsync();
        var settings = AppSettings(template);
        var parameters = template.GetProperty("parameters");

        Assert.Equal("[not(empty(parameters('smtpUsername')))]", template.GetProperty("variables").GetProperty("sendsMail").GetString());
        Assert.Equal("[if(variables('sendsMail'), parameters('smtpHost'), '')]", settings[SmtpSettingNames.SmtpHost]);
        Assert.Equal("[string(parameters('smtpPort'))]", settings[SmtpSettingNames.SmtpPort]);
        Assert.Equal("[parameters('smtpSecurity')]", settings[SmtpSettingNames.SmtpSecurity]);
        Assert.Equal("[parameters('smtpUsername')]", settings[SmtpSettingNames.SmtpUsername]);
        Assert.Equal("[parameters('mailFrom')]", settings[SmtpSettingNames.MailFrom]);
        Assert.Equal("[parameters('mailRatePerSecond')]", settings[SmtpSettingNames.MailRatePerSecond]);
        Assert.Equal("smtp.azurecommunication.net", parameters.GetProperty("smtpHost").GetProperty("defaultValue").GetString());
        Assert.Equal(587, parameters.GetProperty("smtpPort").GetProperty("defaultValue").GetInt32());
        Assert.Equal("starttls", parameters.GetProperty("smtpSecurity").GetProperty("defaultValue").GetString());
        Assert.Equal(["starttls", "tls"], parameters.GetProperty("smtpSecurity").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("", parameters.GetProperty("smtpUsername").GetProperty("defaultValue").GetString());
        Assert.Equal("0.5", parameters.GetProperty("mailRatePerSecond").GetProperty("defaultValue").GetString());
    }

    [Theory]
    [InlineData(SmtpSettingNames.SmtpPassword, "smtpPassword", "smtp-password")]
    [InlineData(MailLinkSecret, "mailLinkSecret", "mail-link-secret")]
    public async Task Mail_secrets_reach_the_app_as_key_vault_references_only_when_mail_is_on(string setting, string parameter, string secretName)
    {
        var template = await CompileMainAsync();

        var value = AppSettings(template)[setting];

        Assert.Equal(
            $"[if(variables('sendsMail'), format('@Microsoft.KeyVault(SecretUri={{0}})', reference(resourceId('Microsoft.KeyVault/vaults/secrets', variables('keyVaultName'), '{secretName}'), '2024-11-01').secretUri), '')]",
            value);
        var secret = Assert.Single(
            Resources(template, "Microsoft.KeyVault/vaults/secrets"),
            resource => resource.GetProperty("name").GetString()!.EndsWith($"'{secretName}')]", StringComparison.Ordinal));
        Assert.Equal("[variables('sendsMail')]", secret.GetProperty("condition").GetString());
        Assert.Equal($"[parameters('{parameter}')]", secret.GetProperty("properties").GetProperty("value").GetString());
        Assert.Equal("", template.GetProperty("parameters").GetProperty(parameter).GetProperty("defaultValue").GetString());
    }

    [Fact]
    public async Task Parameters_file_takes_the_mail_settings_from_the_environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["TWILIO_ACCOUNT_SID"] = "AC-from-environment",
            ["TWILIO_AUTH_TOKEN"] = "token-from-environment",
            ["WEBHOOK_TOKEN"] = "webhook-from-environment",
            ["SEND_TOKEN"] = "send-token-from-environment",
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
            ["SMTP_USERNAME"] = "mitzvah-acs.app-id.tenant-id",
            ["SMTP_PASSWORD"] = "client-secret-from-environment",
            ["MAIL_FROM"] = "Daily Mitzvah <DoNotReply@mitzvah.example.org>",
            ["MAIL_RATE_PER_SECOND"] = "2",
            ["MAIL_LINK_SECRET"] = "link-secret-from-environment-0123456789",
        };

        var parameters = await BuiltParametersAsync(environment);
        string Value(string name) => parameters.GetProperty(name).GetProperty("value").ToString();
        Assert.Equal("mitzvah-acs.app-id.tenant-id", Value("smtpUsername"));
        Assert.Equal("client-secret-from-environment", Value("smtpPassword"));
        Assert.Equal("Daily Mitzvah <DoNotReply@mitzvah.example.org>", Value("mailFrom"));
        Assert.Equal("2", Value("mailRatePerSecond"));
        Assert.Equal("link-secret-from-environment-0123456789", Value("mailLinkSecret"));

        // An unset GitHub secret arrives as an empty variable: the relay's quota stays the rate.
        environment["MAIL_RATE_PER_SECOND"] = "";
        var unset = await BuiltParametersAsync(environment);
        Assert.Equal("0.5", unset.GetProperty("mailRatePerSecond").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Storage_accepts_only_identity_based_https_access_and_declares_the_app_tables()
    {
        var template = await CompileMainAsync();

        var storage = SingleResource(template, "Microsoft.Storage/storageAccounts").GetProperty("properties");
        var tables = SingleResource(template, "Microsoft.Storage/storageAccounts/tableServices/tables");
        var tablePrefix = Resolve(template, AppSettings(template)["AZURE_TABLES_PREFIX"]);

        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(storage.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", storage.GetProperty("minimumTlsVersion").GetString());
        Assert.EndsWith("variables('tableNames')[copyIndex()])]", tables.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal("[length(variables('tableNames'))]", tables.GetProperty("copy").GetProperty("count").GetString());
        Assert.Equal(
            new[] { tablePrefix + "Subscribers", tablePrefix + "ConsentHistory", tablePrefix + "Deliveries" },
            template.GetProperty("variables").GetProperty("tableNames").EnumerateArray().Select(name => name.GetString()));
    }

    [Theory]
    [InlineData(StorageBlobDataOwner, "Microsoft.Storage/storageAccounts")]
    [InlineData(StorageTableDataContributor, "Microsoft.Storage/storageAccounts")]
    [InlineData(KeyVaultSecretsUser, "Microsoft.KeyVault/vaults")]
    public async Task Function_app_identity_holds_the_role_on_the_resource(string roleDefinition, string scopeType)
    {
        var template = await CompileMainAsync();

        var assignment = Assert.Single(
            Resources(template, RoleAssignment),
            resource => Expand(template, resource.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!)
                .Contains($"'{roleDefinition}'", StringComparison.Ordinal));

        Assert.StartsWith($"[resourceId('{scopeType}', ", assignment.GetProperty("scope").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("[guid(", assignment.GetProperty("name").GetString(), StringComparison.Ordinal);
        var principal = assignment.GetProperty("properties").GetProperty("principalId").GetString()!;
        Assert.StartsWith($"[reference(resourceId('{Site}', ", principal, StringComparison.Ordinal);
        Assert.EndsWith(".identity.principalId]", principal, StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
    }

    [Fact]
    public async Task Outputs_name_the_app_its_endpoints_and_its_storage()
    {
        var template = await CompileMainAsync();

        Assert.Equal("[variables('functionAppName')]", Output(template, "functionAppName"));
        Assert.Equal("[variables('storageAccountName')]", Output(template, "storageAccountName"));
        foreach (var (output, path) in new[] { ("consentUrl", "/api/consent"), ("sendNowBaseUrl", "/api/send") })
        {
            var url = Output(template, output);
            Assert.StartsWith($"[format('https://{{0}}{path}', reference(resourceId('{Site}', variables('functionAppName'))", url, StringComparison.Ordinal);
            Assert.EndsWith(".defaultHostName)]", url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Parameters_file_takes_the_secrets_from_the_environment()
    {
        var environment = new Dictionary<string, string>
        {
            ["TWILIO_ACCOUNT_SID"] = "AC-from-environment",
            ["TWILIO_AUTH_TOKEN"] = "token-from-environment",
            ["WEBHOOK_TOKEN"] = "webhook-from-environment",
            ["SEND_TOKEN"] = "send-token-from-environment",
            ["OPERATOR_EMAIL"] = "operator@example.org",
            ["TWILIO_WHATSAPP_NUMBER"] = "+14155550100",
            ["WHATSAPP_TEMPLATE_SID"] = "",
            ["MITZVAH_SEND_CONCURRENCY"] = "6",
        };

        var parameters = await BuiltParametersAsync(environment);
        string Value(string name) => parameters.GetProperty(name).GetProperty("value").ToString();
        Assert.Equal("AC-from-environment", Value("twilioAccountSid"));
        Assert.Equal("token-from-environment", Value("twilioAuthToken"));
        Assert.Equal("webhook-from-environment", Value("webhookToken"));
        Assert.Equal("send-token-from-environment", Value("sendToken"));
        Assert.Equal("operator@example.org", Value("operatorEmail"));
        Assert.Equal("+14155550100", Value("twilioWhatsAppNumber"));
        Assert.Equal("6", Value("sendConcurrency"));
        Assert.Equal("America/Chicago", Value("timeZone"));
        Assert.Equal("0 */15 * * * *", Value("tickSchedule"));
    }

    [Fact]
    public async Task The_send_token_is_long_enough_for_the_app_to_accept()
    {
        var template = await CompileMainAsync();

        Assert.Equal(16, template.GetProperty("parameters").GetProperty("sendToken").GetProperty("minLength").GetInt32());
    }

    [Fact]
    public async Task An_action_group_mails_the_operator_when_an_address_is_given()
    {
        var template = await CompileMainAsync();

        var group = SingleResource(template, "Microsoft.Insights/actionGroups");
        Assert.Equal("global", group.GetProperty("location").GetString());
        var properties = group.GetProperty("properties");
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        var receivers = properties.GetProperty("emailReceivers").GetString()!;
        Assert.StartsWith("[if(empty(parameters('operatorEmail'))", receivers, StringComparison.Ordinal);
        Assert.Contains("'emailAddress', parameters('operatorEmail')", receivers, StringComparison.Ordinal);
        Assert.Equal("", template.GetProperty("parameters").GetProperty("operatorEmail").GetProperty("defaultValue").GetString());
    }

    [Theory]
    [InlineData("failed-sends", SummaryMetrics.FailedName, "GreaterThan", 0, "")]
    [InlineData("no-daily-run", SummaryMetrics.HeartbeatName, "LessThan", 1, " and timestamp > ago(26h)")]
    [InlineData("messaging-limit", "MessagingLimitStops", "GreaterThan", 0, "")]
    public async Task Log_alerts_on_the_run_metrics_notify_the_action_group(string name, string metric, string comparison, int threshold, string condition)
    {
        var template = await CompileMainAsync();

        var properties = AlertProperties(template, name);
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        Assert.Contains("Microsoft.Insights/components", properties.GetProperty("scopes")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/actionGroups", properties.GetProperty("actions").GetProperty("actionGroups")[0].GetString(), StringComparison.Ordinal);
        var criterion = properties.GetProperty("criteria").GetProperty("allOf")[0];
        Assert.Equal(comparison, criterion.GetProperty("operator").GetString());
        Assert.Equal(threshold, criterion.GetProperty("threshold").GetInt32());
        Assert.Equal("Count", criterion.GetProperty("timeAggregation").GetString());

        // The query reads the custom metric the timer publishes after every run: one row per run, valueSum its number.
        Assert.Equal(
            $"customMetrics | where name == \"{metric}\" and valueSum > 0{condition}",
            criterion.GetProperty("query").GetString());
        var window = System.Xml.XmlConvert.ToTimeSpan(properties.GetProperty("windowSize").GetString()!);
        Assert.True(window >= TimeSpan.FromHours(name == "no-daily-run" ? 26 : 1), $"{name}: window {window} is too short.");
    }

    [Fact]
    public async Task The_delivered_ratio_alert_fires_under_the_operators_percentage_80_by_default()
    {
        var template = await CompileMainAsync();

        var properties = AlertProperties(template, "delivered-ratio");
        var criterion = properties.GetProperty("criteria").GetProperty("allOf")[0];
        var query = criterion.GetProperty("query").GetString()!;

        Assert.Contains($"name == \"{SummaryMetrics.PreviousDeliveredPercentName}\" and valueMin < ", query, StringComparison.Ordinal);
        Assert.Contains("parameters('deliveredPercentAlertThreshold')", query, StringComparison.Ordinal);
        Assert.Equal(80, template.GetProperty("parameters").GetProperty("deliveredPercentAlertThreshold").GetProperty("defaultValue").GetInt32());
        Assert.Equal("GreaterThan", criterion.GetProperty("operator").GetString());
        Assert.Contains("Microsoft.Insights/actionGroups", properties.GetProperty("actions").GetProperty("actionGroups")[0].GetString(), StringComparison.Ordinal);
    }

    private static JsonElement AlertProperties(JsonElement template, string name) =>
        Assert.Single(
            Resources(template, "Microsoft.Insights/scheduledQueryRules"),
            resource => resource.GetProperty("name").GetString()!.Contains($"-{name}-", StringComparison.Ordinal)).GetProperty("properties");

    private static async Task<JsonElement> CompileMainAsync()
    {
        var build = await MainBuild.Value;
        Assert.True(build.IsClean, build.Describe());
        using var document = JsonDocument.Parse(build.Output);
        return document.RootElement.Clone();
    }

    private static IEnumerable<JsonElement> Resources(JsonElement template, string type) =>
        template.GetProperty("resources").EnumerateArray()
            .Where(resource => resource.GetProperty("type").GetString() == type);

    private static JsonElement SingleResource(JsonElement template, string type) => Assert.Single(Resources(template, type));

    private static Dictionary<string, string> AppSettings(JsonElement template)
    {
        var config = Assert.Single(
            Resources(template, $"{Site}/config"),
            resource => resource.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Object, config.GetProperty("properties").ValueKind);
        return config.GetProperty("properties").EnumerateObject().ToDictionary(setting => setting.Name, setting => setting.Value.GetString()!);
    }

    private static string Output(JsonElement template, string name) =>
        template.GetProperty("outputs").GetProperty(name).GetProperty("value").GetString()!;

    /// <summary>A literal, or a parameter's default / a variable's value when the expression is just that reference.</summary>
    private static string Resolve(JsonElement template, string value)
    {
        var reference = WholeReference().Match(value);
        if (!reference.Success)
        {
            return value;
        }

        var name = reference.Groups["name"].Value;
        var resolved = reference.Groups["kind"].Value == "parameters"
            ? template.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue")
            : template.GetProperty("variables").GetProperty(name);
        return resolved.GetString()!;
    }

    /// <summary>Replaces <c>variables('x')</c> and <c>variables('x').y</c> that hold plain strings with quoted literals.</summary>
    private static string Expand(JsonElement template, string expression)
    {
        var variables = template.GetProperty("variables");
        return VariableReference().Replace(expression, match =>
        {
            var value = variables.GetProperty(match.Groups["name"].Value);
            if (match.Groups["member"].Success)
            {
                value = value.GetProperty(match.Groups["member"].Value);
            }

            return value.ValueKind == JsonValueKind.String && !value.GetString()!.StartsWith('[')
                ? $"'{value.GetString()}'"
                : match.Value;
        });
    }

    [GeneratedRegex(@"^\[(?<kind>parameters|variables)\('(?<name>\w+)'\)\]$")]
    private static partial Regex WholeReference();

    [GeneratedRegex(@"variables\('(?<name>\w+)'\)(\.(?<member>\w+))?")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"'Microsoft\.KeyVault/vaults/secrets', variables\('keyVaultName'\), '(?<name>[^']+)'")]
    private static partial Regex SecretReference();

    /// <summary>The parameters <c>main.bicepparam</c> builds to with <paramref name="environment"/>; the build must be clean.</summary>
    private static async Task<JsonElement> BuiltParametersAsync(Dictionary<string, string> environment)
    {
        var build = await BicepBuild.BuildParamsAsync(Path.Combine(AzureFolder, "main.bicepparam"), environment);
        Assert.True(build.IsClean, build.Describe());
        using var output = JsonDocument.Parse(build.Output);
        using var parametersFile = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString()!);
        return parametersFile.RootElement.GetProperty("parameters").Clone();
    }
}
