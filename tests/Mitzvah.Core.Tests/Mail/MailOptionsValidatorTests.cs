using Microsoft.Extensions.Options;
using Mitzvah.Core.Mail;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Mail;

/// <summary>Where mail can be sent, start-up needs the link secret and the public address, and says which is missing.</summary>
public sealed class MailOptionsValidatorTests
{
    [Theory]
    [InlineData(null, MailEndpoints.ConsentUrl, "MAIL_LINK_SECRET must be set")]
    [InlineData("short-secret", MailEndpoints.ConsentUrl, "MAIL_LINK_SECRET must be at least 32 characters long")]
    [InlineData(MailEndpoints.Secret, null, "PUBLIC_CONSENT_URL must be set")]
    public void With_a_mail_sender_start_up_fails_naming_the_missing_setting(string? secret, string? url, string problem)
    {
        using var mail = new MailEndpoints(settings: new Dictionary<string, string?>
        {
            [SettingNames.MailLinkSecret] = secret,
            [SettingNames.PublicConsentUrl] = url,
        });

        var error = Assert.Throws<OptionsValidationException>(() => mail.Core.Get<IStartupValidator>().Validate());

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_mail_sender_and_both_settings_start_up_passes()
    {
        using var mail = new MailEndpoints();

        mail.Core.Get<IStartupValidator>().Validate();

        Assert.True(mail.Subscriptions.IsEnabled);
    }

    [Fact]
    public void Without_a_mail_sender_nothing_is_required_and_mail_is_off()
    {
        using var off = new MailEndpoints(withSender: false, settings: new Dictionary<string, string?>
        {
            [SettingNames.MailLinkSecret] = null,
            [SettingNames.PublicConsentUrl] = null,
        });

        off.Core.Get<IStartupValidator>().Validate();

        Assert.False(off.Subscriptions.IsEnabled);
        Assert.False(off.Core.Get<DailyMail>().IsEnabled);
    }

    [Fact]
    public void A_secret_too_short_is_refused_even_without_a_sender()
    {
        using var off = new MailEndpoints(withSender: false, settings: new Dictionary<string, string?> { [SettingNames.MailLinkSecret] = new string('s', MailOptions.MinimumSecretLength - 1) });

        var error = Assert.Throws<OptionsValidationException>(() => off.Core.Get<IOptions<MailOptions>>().Value);

        Assert.Contains(SettingNames.MailLinkSecret, error.Message, StringComparison.Ordinal);
    }
}
