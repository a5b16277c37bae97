using Mitzvah.Core;

namespace Mitzvah.Azure.Tests;

/// <summary>App settings as the Functions host would pass them.</summary>
internal static class TestSettings
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-0123456789abcdef";
    public const string WhatsAppNumber = "+14155550100";
    public const string SendToken = "send-token-0123456789abcdef";
    public const string Schedule = "0 0 15,16 * * *";

    /// <summary>A complete, valid configuration against the stand-ins, with its own tables.</summary>
    public static Dictionary<string, string?> Complete(StandInsFixture standIns, string prefix) => new()
    {
        [SettingNames.AzureTablesConnectionString] = standIns.TablesConnectionString,
        [SettingNames.AzureTablesPrefix] = prefix,
        [SettingNames.TwilioAccountSid] = AccountSid,
        [SettingNames.TwilioAuthToken] = AuthToken,
        [SettingNames.TwilioWhatsAppNumber] = WhatsAppNumber,
        [SettingNames.TwilioApiBaseUrl] = standIns.TwilioApiBaseUrl.ToString(),
        [SettingNames.SendToken] = SendToken,
        [MitzvahFunctionsApp.DailyScheduleSetting] = Schedule,
    };

    /// <summary>A complete configuration that needs no running service (nothing is called before the first request).</summary>
    public static Dictionary<string, string?> Offline() => new()
    {
        [SettingNames.AzureTablesConnectionString] = "UseDevelopmentStorage=true",
        [SettingNames.TwilioAccountSid] = AccountSid,
        [SettingNames.TwilioAuthToken] = AuthToken,
        [SettingNames.TwilioWhatsAppNumber] = WhatsAppNumber,
        [SettingNames.SendToken] = SendToken,
        [MitzvahFunctionsApp.DailyScheduleSetting] = Schedule,
    };
}
