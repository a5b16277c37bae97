using Mitzvah.Core.Calendar;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Cli.Tests;

/// <summary>Join defaults through <c>mitzvah serve</c>: the real phone-number zones of the messaging adapter and the real store.</summary>
public sealed class JoinDefaultsOnServeTests
{
    [Theory]
    [InlineData("+972587654321", "Asia/Jerusalem", FestivalCalendar.Israel)]
    [InlineData("+12128675309", "America/New_York", FestivalCalendar.Diaspora)]
    [InlineData("+447911123456", "Europe/London", FestivalCalendar.Diaspora)]
    [InlineData("+14155552671", "America/Los_Angeles", FestivalCalendar.Diaspora)]
    public async Task A_whatsapp_join_starts_with_the_numbers_zone_and_calendar_and_the_operators_send_time(string phone, string zone, FestivalCalendar calendar)
    {
        await using var host = await LocalServerHost.StartAsync(HostSettings.Default);
        var request = ScenarioRequest.Webhook("JOIN MITZVAH", from: "whatsapp:" + phone);
        var signature = TwilioSignature.Compute(HostSettings.TestAuthToken, host.PublicUrl, request.Form!);

        var response = await host.SendAsync(request, new Dictionary<string, string> { ["X-Twilio-Signature"] = signature });

        Assert.Equal(200, response.StatusCode);
        Assert.Contains($"one message a day at 10:00 ({zone} time)", response.Body, StringComparison.Ordinal);
        var preferences = (await host.Store.GetAsync(phone))!.Preferences;
        Assert.Equal(zone, preferences.TimeZone);
        Assert.Equal(calendar, preferences.Calendar);
        Assert.Null(preferences.SendTime);
    }
}
