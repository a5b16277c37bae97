using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Mail;
using Mitzvah.Smtp;

namespace Mitzvah.Aws.Tests;

/// <summary>Both functions' SMTP wiring: the SMTP sender when <c>SMTP_HOST</c> is set, a cold-start failure on a bad value.</summary>
[Collection(SharedAwsStandIns.Name)]
public sealed class LambdaSmtpTests(AwsStandIns standIns)
{
    [Theory]
    [InlineData(LambdaFunctions.Daily)]
    [InlineData(LambdaFunctions.Consent)]
    public async Task With_SMTP_HOST_the_function_sends_mail_through_SMTP(string function)
    {
        var environment = await standIns.NewEnvironmentWithMailAsync();

        var mail = Start(function, environment);

        Assert.IsType<SmtpMailSender>(mail);
    }

    [Theory]
    [InlineData(LambdaFunctions.Daily)]
    [InlineData(LambdaFunctions.Consent)]
    public async Task Without_SMTP_HOST_the_other_SMTP_settings_are_ignored(string function)
    {
        var environment = await standIns.NewEnvironmentWithMailAsync();
        environment["SMTP_HOST"] = null;
        environment["SMTP_PORT"] = "abc";

        var mail = Start(function, environment);

        Assert.IsNotType<SmtpMailSender>(mail);
    }

    [Theory]
    [InlineData(LambdaFunctions.Daily, "SMTP_PORT", "abc", "SMTP_PORT 'abc' is not a port number.")]
    [InlineData(LambdaFunctions.Consent, "SMTP_PORT", "abc", "SMTP_PORT 'abc' is not a port number.")]
    [InlineData(LambdaFunctions.Consent, "SMTP_SECURITY", "ssl3", "SMTP_SECURITY 'ssl3' must be starttls, tls or none.")]
    [InlineData(LambdaFunctions.Daily, "MAIL_FROM", null, "MAIL_FROM is required")]
    [InlineData(LambdaFunctions.Consent, "SMTP_PASSWORD", "", "SMTP_PASSWORD is required when SMTP_USERNAME is set.")]
    [InlineData(LambdaFunctions.Daily, "MAIL_RATE_PER_SECOND", "0", "MAIL_RATE_PER_SECOND 0 must be more than 0 mails per second.")]
    public async Task A_bad_SMTP_setting_fails_the_cold_start_naming_it(string function, string name, string? value, string message)
    {
        var environment = await standIns.NewEnvironmentWithMailAsync();
        environment[name] = value;

        var error = Assert.Throws<OptionsValidationException>(() => Start(function, environment));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Cold-starts the function, then resolves the mail sender from the services it was composed of.</summary>
    private IMailSender? Start(string function, Dictionary<string, string?> environment)
    {
        IServiceCollection composed = new ServiceCollection();
        void Overrides(IServiceCollection services)
        {
            standIns.UseDynalite()(services);
            // The overrides run last: this copy is the composition the function builds its services from.
            composed.Clear();
            foreach (var descriptor in services)
            {
                composed.Add(descriptor);
            }
        }

        var configuration = AwsStandIns.Configuration(environment);
        using ILambdaHandler handler = function == LambdaFunctions.Daily
            ? new DailyMitzvahBot(configuration, Overrides)
            : new ConsentHandler(configuration, Overrides);

        using var services = composed.BuildServiceProvider();
        return services.GetService<IMailSender>();
    }
}
