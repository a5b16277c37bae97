using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests;

public sealed class SettingsBindingTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddMitzvahCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void Flat_environment_names_bind_schedule_and_consent_options()
    {
        using var services = Services(new()
        {
            ["MITZVAH_TIME_ZONE"] = " Asia/Jerusalem ",
            ["MITZVAH_SEND_TIME"] = "7:30",
            ["MITZVAH_IN_ISRAEL"] = "yes",
            ["MITZVAH_SKIP_REST_DAYS"] = "0",
            ["WEBHOOK_TOKEN"] = "s3cret",
            ["PUBLIC_CONSENT_URL"] = "https://abc.lambda-url.us-east-1.on.aws/api/consent",
        });

        var schedule = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;
        var consent = services.GetRequiredService<IOptions<ConsentOptions>>().Value;

        Assert.Equal("Asia/Jerusalem", schedule.TimeZone);
        Assert.Equal(new TimeOnly(7, 30), schedule.SendTime);
        Assert.True(schedule.InIsrael);
        Assert.False(schedule.SkipRestDays);
        Assert.Equal("s3cret", consent.WebhookToken);
        Assert.Equal(new Uri("https://abc.lambda-url.us-east-1.on.aws/api/consent"), consent.PublicConsentUrl);
    }

    [Fact]
    public void Blank_values_mean_unset()
    {
        using var services = Services(new() { ["MITZVAH_TIME_ZONE"] = " ", ["WEBHOOK_TOKEN"] = "", ["PUBLIC_CONSENT_URL"] = "  " });

        Assert.Equal("America/Chicago", services.GetRequiredService<IOptions<ScheduleOptions>>().Value.TimeZone);
        Assert.Equal(new TimeOnly(10, 0), services.GetRequiredService<IOptions<ScheduleOptions>>().Value.SendTime);
        Assert.Null(services.GetRequiredService<IOptions<ConsentOptions>>().Value.WebhookToken);
        Assert.Null(services.GetRequiredService<IOptions<ConsentOptions>>().Value.PublicConsentUrl);
    }

    [Theory]
    [InlineData("25:00")]
    [InlineData("10am")]
    [InlineData("10:00:30")]
    public void A_send_time_that_is_not_a_time_of_day_is_rejected_by_name(string value)
    {
        using var services = Services(new() { ["MITZVAH_SEND_TIME"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ScheduleOptions>>().Value);

        Assert.Equal($"MITZVAH_SEND_TIME '{value}' is not a time of day like 10:00 or 07:30.", error.Message);
    }

    [Theory]
    [InlineData("MITZVAH_IN_ISRAEL", "maybe")]
    [InlineData("MITZVAH_SKIP_REST_DAYS", "2")]
    public void A_flag_that_is_not_true_or_false_is_rejected_by_name(string name, string value)
    {
        using var services = Services(new() { [name] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ScheduleOptions>>().Value);

        Assert.Equal($"{name} '{value}' is not true or false.", error.Message);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/api/consent")]
    [InlineData("ftp://example.com/consent")]
    public void A_public_consent_url_that_is_not_absolute_http_is_rejected_by_name(string value)
    {
        using var services = Services(new() { ["PUBLIC_CONSENT_URL"] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ConsentOptions>>().Value);

        Assert.Contains("PUBLIC_CONSENT_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_time_zone_fails_validation_naming_the_setting()
    {
        using var services = Services(new() { ["MITZVAH_TIME_ZONE"] = "Mars/Olympus_Mons" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ScheduleOptions>>().Value);

        Assert.Contains("MITZVAH_TIME_ZONE", error.Message, StringComparison.Ordinal);
    }
}
