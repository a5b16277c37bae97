using Mitzvah.Core;
using Mitzvah.TableStorage;
using Mitzvah.Twilio;

namespace Mitzvah.Azure.Tests;

/// <summary>App settings as the Functions host would pass them.</summary>
internal static class TestSettings
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "test-auth-token-0123456789abcdef";
    public const string WhatsAppNumber = "+14155550100";
    public const string SendToken = "send-token-0123456789abcdef";
    public const string Schedule = "0 */15 * * * *";

    /// <summary>A complete, valid configuration against the stand-ins, with its own tables.</summary>
    public static Dictionary<string, string?> Complete(StandInsFixture standIns, string prefix) => new()
    {
        [TableStorageSettingNames.AzureTablesConnectionString] = standIns.TablesConnectionString,
        [TableStorageSettingNames.AzureTablesPrefix] = prefix,
        [TwilioSettingNames.TwilioAccountSid] = AccountSid,
        [TwilioSettingNames.TwilioAuthToken] = AuthToken,
        [TwilioSettingNames.TwilioWhatsAppNumber] = WhatsAppNumber,
        [TwilioSettingNames.TwilioApiBaseUrl] = standIns.TwilioApiBaseUrl.ToString(),
        [SettingNames.SendToken] = SendToken,
        [MitzvahFunctionsApp.DailyScheduleSetting] = Schedule,
    };

    /// <summary>A complete configuration that needs no running service (nothing is called before the first request).</summary>
    public static Dictionary<string, string?> Offline() => new()
    {
        [TableStorageSettingNames.AzureTablesConnectionString] = "UseDevelopmentStorage=true",
        [TwilioSettingNames.TwilioAccountSid] = AccountSid,
        [TwilioSettingNames.TwilioAuthToken] = AuthToken,
        [TwilioSettingNames.TwilioWhatsAppNumber] = WhatsAppNumber,
        [SettingNames.SendToken] = SendToken,
        [MitzvahFunctionsApp.DailyScheduleSetting] = Schedule,
    };
}
