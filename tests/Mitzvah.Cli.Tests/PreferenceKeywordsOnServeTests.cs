using Mitzvah.Core.Consent;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Cli.Tests;

/// <summary>Preference keywords through <c>mitzvah serve</c>: a signed webhook, TwiML back, the change in the SQLite history.</summary>
public sealed class PreferenceKeywordsOnServeTests
{
    private const string Phone = "+972587654321";

    [Fact]
    public async Task Time_zone_and_pause_are_preference_changes_with_the_messages_evidence_and_the_status_kept()
    {
        await using var host = await LocalServerHost.StartAsync(HostSettings.Default);
        await WriteAsync(host, "JOIN MITZVAH");

        var time = await WriteAsync(host, "TIME 7:30");
        var zone = await WriteAsync(host, "ZONE London");
        var pause = await WriteAsync(host, "PAUSE");

        Assert.Contains("Your messages now come at 07:30 (Asia/Jerusalem time). Your next message: ", time.Body, StringComparison.Ordinal);
        Assert.Contains("Your time zone is now Europe/London: messages come at 07:30 there.", zone.Body, StringComparison.Ordinal);
        Assert.Contains("No message comes until you send RESUME.", pause.Body, StringComparison.Ordinal);
        var subscriber = await host.Store.GetAsync(Phone);
        Assert.Equal(ConsentStatus.OptedIn, subscriber!.Status);
        Assert.Equal(
            new DeliveryPreferences { TimeZone = "Europe/London", SendTime = new TimeOnly(7, 30), Calendar = Core.Calendar.FestivalCalendar.Israel, PausedUntil = DateOnly.MaxValue },
            subscriber.Preferences);
        var history = await host.Store.GetHistoryAsync(Phone);
        Assert.Equal([false, true, true, true], history.Select(entry => entry.IsPreferenceChange));
        Assert.All(history, entry => Assert.Equal(ConsentStatus.OptedIn, entry.Status));
        Assert.Equal(ConsentSource.WhatsAppKeyword, history[1].Source);
        Assert.Equal("TIME 7:30", history[1].Evidence.Keyword);
        Assert.Equal("whatsapp:+14155550100", history[1].Evidence.To);
        Assert.StartsWith("SM", history[1].Evidence.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_through_the_host_shows_every_preference()
    {
        await using var host = await LocalServerHost.StartAsync(HostSettings.Default);
        await WriteAsync(host, "JOIN MITZVAH");

        var status = await WriteAsync(host, "STATUS");

        Assert.Contains("Messages at 10:00 (Asia/Jerusalem time), israel calendar, not paused. Your next message: ", status.Body, StringComparison.Ordinal);
    }

    private static async Task<ScenarioResponse> WriteAsync(LocalServerHost host, string text)
    {
        var request = ScenarioRequest.Webhook(text, from: "whatsapp:" + Phone);
        var signature = TwilioSignature.Compute(HostSettings.TestAuthToken, host.PublicUrl, request.Form!);
        var response = await host.SendAsync(request, new Dictionary<string, string> { ["X-Twilio-Signature"] = signature });
        Assert.Equal(200, response.StatusCode);
        return response;
    }
}
