using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core;

namespace Mitzvah.Twilio.Tests;

/// <summary>Where the messenger asks Twilio to send status callbacks, by configuration.</summary>
public sealed class StatusCallbackUrlDefaultTests
{
    [Theory]
    [InlineData("https://hooks.example/status", "https://mitzvah.example/api/consent", "https://hooks.example/status")]
    [InlineData(null, "https://mitzvah.example/api/consent", "https://mitzvah.example/api/status")]
    [InlineData(null, null, null)]
    public void The_configured_url_wins_else_the_public_origins_status_path_else_none(string? configured, string? publicConsentUrl, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TwilioSettingNames.TwilioStatusCallbackUrl] = configured,
            [SettingNames.PublicConsentUrl] = publicConsentUrl,
        }).Build();
        using var services = new ServiceCollection().AddMitzvahCore(configuration).AddMitzvahTwilio(configuration).BuildServiceProvider();

        var url = services.GetRequiredService<IOptions<TwilioOptions>>().Value.StatusCallbackUrl;

        Assert.Equal(expected, url?.AbsoluteUri);
    }
}
