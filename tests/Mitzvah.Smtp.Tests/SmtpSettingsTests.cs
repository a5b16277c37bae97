using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Mail;

namespace Mitzvah.Smtp.Tests;

public sealed class SmtpSettingsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        [SmtpSettingNames.SmtpHost] = "email-smtp.eu-west-1.amazonaws.com",
        [SmtpSettingNames.SmtpUsername] = "AKIAEXAMPLE",
        [SmtpSettingNames.SmtpPassword] = "s3cret-password",
        [SmtpSettingNames.MailFrom] = "Daily Mitzvah <mitzvah@example.org>",
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddMitzvahSmtp(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    private static Dictionary<string, string?> With(string name, string? value) => new(Valid) { [name] = value };

    [Fact]
    public void Without_a_host_no_mail_sender_is_registered()
    {
        using var services = Build(With(SmtpSettingNames.SmtpHost, null));

        Assert.Null(services.GetService<IMailSender>());
    }

    [Fact]
    public void Valid_settings_give_an_smtp_sender_with_the_defaults()
    {
        using var services = Build(Valid);

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.IsType<SmtpMailSender>(services.GetRequiredService<IMailSender>());
        Assert.Equal(587, options.Port);
        Assert.Equal(SmtpSecurity.StartTls, options.Security);
        Assert.Equal(1, options.RatePerSecond);
    }

    [Theory]
    [InlineData("465", "tls", "14", 465, SmtpSecurity.Tls, 14)]
    [InlineData("1025", "NONE", "0.5", 1025, SmtpSecurity.None, 0.5)]
    [InlineData("587", "StartTLS", "1000", 587, SmtpSecurity.StartTls, 1000)]
    public void Port_security_and_rate_are_read(string port, string security, string rate, int expectedPort, SmtpSecurity expectedSecurity, double expectedRate)
    {
        var settings = new Dictionary<string, string?>(Valid)
        {
            [SmtpSettingNames.SmtpPort] = port,
            [SmtpSettingNames.SmtpSecurity] = security,
            [SmtpSettingNames.MailRatePerSecond] = rate,
        };
        using var services = Build(settings);

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal(expectedPort, options.Port);
        Assert.Equal(expectedSecurity, options.Security);
        Assert.Equal(expectedRate, options.RatePerSecond);
    }

    [Theory]
    [InlineData(SmtpSettingNames.SmtpHost, "smtp://mail.example.org:25", SmtpSettingNames.SmtpHost)]
    [InlineData(SmtpSettingNames.SmtpPort, "five-eight-seven", SmtpSettingNames.SmtpPort)]
    [InlineData(SmtpSettingNames.SmtpPort, "70000", SmtpSettingNames.SmtpPort)]
    [InlineData(SmtpSettingNames.SmtpPort, "0", SmtpSettingNames.SmtpPort)]
    [InlineData(SmtpSettingNames.SmtpSecurity, "ssl3", SmtpSettingNames.SmtpSecurity)]
    [InlineData(SmtpSettingNames.SmtpPassword, null, SmtpSettingNames.SmtpPassword)]
    [InlineData(SmtpSettingNames.SmtpUsername, null, SmtpSettingNames.SmtpUsername)]
    [InlineData(SmtpSettingNames.MailFrom, null, SmtpSettingNames.MailFrom)]
    [InlineData(SmtpSettingNames.MailFrom, "Daily Mitzvah", SmtpSettingNames.MailFrom)]
    [InlineData(SmtpSettingNames.MailFrom, "Daily Mitzvah <mitzvah@localhost>", SmtpSettingNames.MailFrom)]
    [InlineData(SmtpSettingNames.MailRatePerSecond, "0", SmtpSettingNames.MailRatePerSecond)]
    [InlineData(SmtpSettingNames.MailRatePerSecond, "-3", SmtpSettingNames.MailRatePerSecond)]
    [InlineData(SmtpSettingNames.MailRatePerSecond, "fast", SmtpSettingNames.MailRatePerSecond)]
    public void A_bad_setting_stops_the_start_naming_the_variable(string name, string? value, string named)
    {
        using var services = Build(With(name, value));

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-password", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_security_or_port_means_the_default()
    {
        var settings = new Dictionary<string, string?>(Valid) { [SmtpSettingNames.SmtpPort] = " ", [SmtpSettingNames.SmtpSecurity] = "" };
        using var services = Build(settings);

        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(587, services.GetRequiredService<IOptions<SmtpOptions>>().Value.Port);
    }
}
