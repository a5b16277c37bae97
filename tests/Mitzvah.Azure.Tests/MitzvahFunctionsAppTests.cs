using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Sending;
using Mitzvah.Smtp;
using Mitzvah.TableStorage;
using Mitzvah.Twilio;

namespace Mitzvah.Azure.Tests;

/// <summary>The composition root: what it wires, and which settings stop the app from starting.</summary>
public sealed class MitzvahFunctionsAppTests
{
    [Fact]
    public async Task Every_function_class_resolves_from_the_started_container()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Offline());

        await using (var timer = app.Activate<DailyMitzvahTimer>())
        await using (var http = app.Activate<HttpFunction>())
        await using (var send = app.Activate<SendNowFunction>())
        {
            Assert.NotNull(timer.Function);
            Assert.NotNull(http.Function);
            Assert.NotNull(send.Function);
        }

        Assert.Equal("table-storage", app.Services.GetRequiredService<ISubscriberStore>().Kind);
        Assert.Equal("twilio", app.Services.GetRequiredService<IMessenger>().Kind);
        Assert.NotNull(app.Services.GetRequiredService<IDeliveryLedger>());
        Assert.Same(app.Time, app.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task The_schedule_setting_is_bound()
    {
        await using var app = await FunctionAppHarness.StartAsync(TestSettings.Offline());

        Assert.Equal(TestSettings.Schedule, app.Services.GetRequiredService<IOptions<FunctionsAppOptions>>().Value.DailySchedule);
    }

    [Fact]
    public async Task Missing_twilio_credentials_do_not_stop_the_start()
    {
        var settings = TestSettings.Offline();
        settings.Remove(TwilioSettingNames.TwilioAccountSid);
        settings.Remove(TwilioSettingNames.TwilioAuthToken);

        await using var app = await FunctionAppHarness.StartAsync(settings);

        await using var consent = app.Activate<HttpFunction>();
        Assert.NotNull(consent.Function);
    }

    [Theory]
    [InlineData(SettingNames.SendConcurrency, "0")]
    [InlineData(SettingNames.SendConcurrency, "many")]
    [InlineData(SettingNames.SendToken, "short")]
    [InlineData(SettingNames.TimeZone, "Mars/Olympus_Mons")]
    [InlineData(SettingNames.SkipRestDays, "sometimes")]
    [InlineData(SettingNames.PublicConsentUrl, "not a url")]
    [InlineData(TwilioSettingNames.TwilioApiBaseUrl, "ftp://twilio.example")]
    [InlineData(TwilioSettingNames.TwilioAccountSid, "AC123")]
    [InlineData(TwilioSettingNames.TwilioMessagingServiceSid, "XX0123456789abcdef0123456789abcdef")]
    [InlineData(TwilioSettingNames.WhatsAppTemplateSid, "template-1")]
    [InlineData(TableStorageSettingNames.AzureTablesPrefix, "1-bad")]
    [InlineData(TableStorageSettingNames.AzureTablesConnectionString, "")]
    [InlineData(TableStorageSettingNames.AzureTablesEndpoint, "https://account.table.core.windows.net")]
    [InlineData(MitzvahFunctionsApp.DailyScheduleSetting, "")]
    [InlineData(MitzvahFunctionsApp.DailyScheduleSetting, "0 15 * * *")]
    [InlineData(MitzvahFunctionsApp.DailyScheduleSetting, "0 0 15,16 * * * *")]
    [InlineData(MitzvahFunctionsApp.DailyScheduleSetting, "0 0 15;16 * * *")]
    [InlineData(MitzvahFunctionsApp.DailyScheduleSetting, "99 99 99 * * *")]
    public async Task A_bad_setting_stops_the_start_with_a_message_naming_it(string name, string value)
    {
        var settings = TestSettings.Offline();
        settings[name] = value;

        var exception = await Assert.ThrowsAnyAsync<Exception>(async () => await (await FunctionAppHarness.StartAsync(settings)).DisposeAsync());

        Assert.Contains(name, Messages(exception), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_SMTP_HOST_mail_goes_through_the_SMTP_sender_and_without_it_not()
    {
        var withMail = WithCommunicationServicesMail(TestSettings.Offline());
        var withoutMail = TestSettings.Offline();

        await using var mailing = await FunctionAppHarness.StartAsync(withMail);
        await using var silent = await FunctionAppHarness.StartAsync(withoutMail);

        Assert.IsType<SmtpMailSender>(mailing.Services.GetService<IMailSender>());
        Assert.IsNotType<SmtpMailSender>(silent.Services.GetService<IMailSender>());
    }

    [Theory]
    [InlineData(SmtpSettingNames.SmtpPort, "abc")]
    [InlineData(SmtpSettingNames.SmtpSecurity, "ssl3")]
    [InlineData(SmtpSettingNames.MailFrom, "Daily Mitzvah")]
    [InlineData(SmtpSettingNames.SmtpPassword, "")]
    [InlineData(SmtpSettingNames.MailRatePerSecond, "fast")]
    public async Task A_bad_SMTP_setting_stops_the_start_with_a_message_naming_it(string name, string value)
    {
        var settings = WithCommunicationServicesMail(TestSettings.Offline());
        settings[name] = value;

        var exception = await Assert.ThrowsAnyAsync<Exception>(async () => await (await FunctionAppHarness.StartAsync(settings)).DisposeAsync());

        Assert.Contains(name, Messages(exception), StringComparison.Ordinal);
    }

    [Fact]
    public void Both_table_settings_fail_the_composition_naming_both()
    {
        var settings = TestSettings.Offline();
        settings[TableStorageSettingNames.AzureTablesEndpoint] = "https://account.table.core.windows.net";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var exception = Assert.Throws<OptionsValidationException>(() => { MitzvahFunctionsApp.ConfigureServices(new ServiceCollection(), configuration); });

        Assert.Contains(TableStorageSettingNames.AzureTablesConnectionString, exception.Message, StringComparison.Ordinal);
        Assert.Contains(TableStorageSettingNames.AzureTablesEndpoint, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0 */15 * * * *")]
    [InlineData("0 0 15,16 * * *")]
    [InlineData("0 0 10 * * 0-4")]
    [InlineData("0 */5 * * * *")]
    [InlineData("0 0 15 * * Sun-Thu")]
    public void The_schedule_validator_accepts_six_field_schedules(string schedule) =>
        Assert.True(new FunctionsAppOptionsValidator().Validate(null, new FunctionsAppOptions { DailySchedule = schedule }).Succeeded);

    [Theory]
    [InlineData("99 99 99 * * *")]
    [InlineData("0 60 15 * * *")]
    [InlineData("0 0 24 * * *")]
    [InlineData("0 0 15 32 * *")]
    [InlineData("0 0 15 * 13 *")]
    [InlineData("0 0 15 * * 8")]
    [InlineData("0 0 15 30 2 *")]
    [InlineData("0 0 15 * * Funday")]
    [InlineData("00:05:00")]
    public void The_schedule_validator_rejects_values_out_of_range_or_dates_that_never_come_naming_the_setting(string schedule)
    {
        var result = new FunctionsAppOptionsValidator().Validate(null, new FunctionsAppOptions { DailySchedule = schedule });

        Assert.True(result.Failed);
        Assert.Contains(MitzvahFunctionsApp.DailyScheduleSetting, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(schedule, result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The mail settings main.bicep gives the app for the Communication Services SMTP relay (secrets resolved).</summary>
    private static Dictionary<string, string?> WithCommunicationServicesMail(Dictionary<string, string?> settings)
    {
        settings[SmtpSettingNames.SmtpHost] = "smtp.azurecommunication.net";
        settings[SmtpSettingNames.SmtpPort] = "587";
        settings[SmtpSettingNames.SmtpSecurity] = "starttls";
        settings[SmtpSettingNames.SmtpUsername] = "mitzvah-acs.00000000-0000-0000-0000-000000000001.00000000-0000-0000-0000-000000000002";
        settings[SmtpSettingNames.SmtpPassword] = "entra-application-client-secret";
        settings[SmtpSettingNames.MailFrom] = "Daily Mitzvah <DoNotReply@mitzvah.example.org>";
        settings[SmtpSettingNames.MailRatePerSecond] = "0.5";
        settings["MAIL_LINK_SECRET"] = "mail-link-secret-0123456789abcdef0123456789";
        settings["PUBLIC_CONSENT_URL"] = "https://mitzvah.example.org/api/consent";
        return settings;
    }

    private static string Messages(Exception exception) => exception is AggregateException aggregate
        ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(inner => inner.Message))
        : exception.Message + (exception.InnerException is null ? string.Empty : " | " + Messages(exception.InnerException));
}
