using System.Text.Json;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Tests.Endpoints;

namespace Mitzvah.Core.Tests.Consent;

/// <summary>
/// The preference keywords, STATUS, HELP and the join defaults through the consent endpoint, on in-memory adapters.
/// The clock stands at Wednesday 25 November 2026, 16:00 UTC: 08:00 in Los Angeles, where +1 415 numbers join.
/// </summary>
public sealed class PreferenceKeywordTests : IDisposable
{
    private const string Phone = "+14155552671";
    private const string Israeli = "+972501234567";
    private const string Form = "application/x-www-form-urlencoded";
    private const string Json = "application/json";
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];
    private readonly CoreEndpoints _core = new();
    private int _messages;

    public void Dispose() => _core.Dispose();

    [Fact]
    public async Task A_join_from_an_israeli_number_starts_in_jerusalem_on_the_israeli_calendar_and_the_welcome_says_so()
    {
        var reply = await WriteAsync("JOIN MITZVAH", Israeli);

        var preferences = (await _core.Store.GetAsync(Israeli))!.Preferences;
        Assert.Equal("Asia/Jerusalem", preferences.TimeZone);
        Assert.Equal(FestivalCalendar.Israel, preferences.Calendar);
        Assert.Null(preferences.SendTime);
        Assert.Contains("one message a day at 10:00 (Asia/Jerusalem time)", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_join_from_a_us_number_starts_in_its_zone_on_the_diaspora_calendar()
    {
        await WriteAsync("join");

        var preferences = (await _core.Store.GetAsync(Phone))!.Preferences;
        Assert.Equal("America/Los_Angeles", preferences.TimeZone);
        Assert.Equal(FestivalCalendar.Diaspora, preferences.Calendar);
        Assert.Null(preferences.SendTime);
    }

    [Fact]
    public async Task Time_sets_the_send_time_records_a_preference_change_and_says_when_the_next_message_comes()
    {
        await WriteAsync("JOIN");

        var reply = await WriteAsync("time 7pm!");

        Assert.Equal(
            "Your messages now come at 19:00 (America/Los_Angeles time). Your next message: Wednesday 25 November at 19:00 (America/Los_Angeles).",
            reply);
        var subscriber = await _core.Store.GetAsync(Phone);
        Assert.Equal(new TimeOnly(19, 0), subscriber!.Preferences.SendTime);
        Assert.Equal(ConsentStatus.OptedIn, subscriber.Status);
        var entry = (await _core.Store.GetHistoryAsync(Phone))[^1];
        Assert.True(entry.IsPreferenceChange);
        Assert.Equal(ConsentSource.WhatsAppKeyword, entry.Source);
        Assert.Equal(ConsentStatus.OptedIn, entry.Status);
        Assert.Equal("time 7pm!", entry.Evidence.Keyword);
        Assert.Equal($"IN-{_messages}", entry.Evidence.MessageId);
        Assert.Equal("+14155550100", entry.Evidence.To);
        Assert.Equal("zone=America/Los_Angeles; time=19:00; calendar=diaspora; paused_until=none", entry.Evidence.Preferences);
    }

    [Fact]
    public async Task Once_todays_message_went_out_the_next_one_is_tomorrows()
    {
        await WriteAsync("JOIN");
        var today = new DateOnly(2026, 11, 25);
        var claim = await _core.Ledger.TryClaimAsync(today, Phone, _core.Time.GetUtcNow(), TimeSpan.FromMinutes(5));
        await _core.Ledger.MarkSentAsync(today, Phone, claim!.ClaimId, "SM-1", _core.Time.GetUtcNow());

        var reply = await WriteAsync("TIME 19:00");

        Assert.EndsWith("Your next message: Thursday 26 November at 19:00 (America/Los_Angeles).", reply, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ZONE Asia/Tokyo", "Asia/Tokyo", "Your time zone is now Asia/Tokyo: messages come at 10:00 there. Your next message: Thursday 26 November at 10:00 (Asia/Tokyo).")]
    [InlineData("zone london", "Europe/London", "Your time zone is now Europe/London")]
    [InlineData("ZONE New York", "America/New_York", "Your time zone is now America/New_York")]
    [InlineData("Zone Jerusalem.", "Asia/Jerusalem", "Your time zone is now Asia/Jerusalem")]
    public async Task Zone_takes_an_iana_id_or_a_city(string text, string zone, string replyStart)
    {
        await WriteAsync("JOIN");

        var reply = await WriteAsync(text);

        Assert.StartsWith(replyStart, reply, StringComparison.Ordinal);
        Assert.Equal(zone, (await _core.Store.GetAsync(Phone))!.Preferences.TimeZone);
    }

    [Fact]
    public async Task Israel_and_diaspora_set_the_calendar()
    {
        await WriteAsync("JOIN");

        var israel = await WriteAsync("ISRAEL");
        var afterIsrael = (await _core.Store.GetAsync(Phone))!.Preferences.Calendar;
        var diaspora = await WriteAsync("diaspora");

        Assert.StartsWith("You now follow the Israeli festival calendar", israel, StringComparison.Ordinal);
        Assert.Contains("Your next message: Wednesday 25 November at 10:00 (America/Los_Angeles).", israel, StringComparison.Ordinal);
        Assert.Equal(FestivalCalendar.Israel, afterIsrael);
        Assert.StartsWith("You now follow the diaspora festival calendar", diaspora, StringComparison.Ordinal);
        Assert.Equal(FestivalCalendar.Diaspora, (await _core.Store.GetAsync(Phone))!.Preferences.Calendar);
    }

    [Fact]
    public async Task Pause_without_days_lasts_until_resume()
    {
        await WriteAsync("JOIN");

        var pause = await WriteAsync("PAUSE");
        var paused = (await _core.Store.GetAsync(Phone))!.Preferences.PausedUntil;
        var resume = await WriteAsync("resume");

        Assert.Equal("Your messages are paused until you send RESUME. No message comes until you send RESUME.", pause);
        Assert.Equal(DateOnly.MaxValue, paused);
        Assert.Equal("Your messages are no longer paused. Your next message: Wednesday 25 November at 10:00 (America/Los_Angeles).", resume);
        Assert.Null((await _core.Store.GetAsync(Phone))!.Preferences.PausedUntil);
        Assert.Equal(2, (await _core.Store.GetHistoryAsync(Phone)).Count(entry => entry.IsPreferenceChange));
    }

    [Fact]
    public async Task Pause_with_days_pauses_until_that_many_days_after_the_subscribers_today()
    {
        await WriteAsync("JOIN");

        var reply = await WriteAsync("PAUSE 7");

        Assert.Equal(new DateOnly(2026, 12, 2), (await _core.Store.GetAsync(Phone))!.Preferences.PausedUntil);
        Assert.Equal(
            "Your messages are paused for 7 days; send RESUME to restart sooner. Your next message: Wednesday 2 December at 10:00 (America/Los_Angeles).",
            reply);
    }

    [Theory]
    [InlineData("TIME 7:10", "for example TIME 7:30, TIME 7am or TIME 19:00")]
    [InlineData("TIME soon", "for example TIME 7:30")]
    [InlineData("ZONE Atlantis", "for example ZONE Europe/London")]
    [InlineData("ZONE", "for example ZONE Europe/London")]
    [InlineData("PAUSE 91", "for example PAUSE 7")]
    [InlineData("PAUSE forever", "for example PAUSE 7")]
    public async Task An_invalid_value_replies_with_an_example_and_changes_nothing(string text, string example)
    {
        await WriteAsync("JOIN");
        var before = await _core.Store.GetAsync(Phone);
        var history = await _core.Store.GetHistoryAsync(Phone);

        var reply = await WriteAsync(text);

        Assert.StartsWith("Nothing was changed. ", reply, StringComparison.Ordinal);
        Assert.Contains(example, reply, StringComparison.Ordinal);
        var after = await _core.Store.GetAsync(Phone);
        Assert.Equal(before!.Preferences, after!.Preferences);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(history, await _core.Store.GetHistoryAsync(Phone));
    }

    [Theory]
    [InlineData("TIME 7:30")]
    [InlineData("ZONE London")]
    [InlineData("ISRAEL")]
    [InlineData("PAUSE 7")]
    [InlineData("RESUME")]
    public async Task An_unknown_number_is_told_to_join_first_and_nothing_is_written(string text)
    {
        var reply = await WriteAsync(text);

        Assert.Equal("You're not subscribed to Daily Mitzvah, so there is nothing to change. Reply JOIN MITZVAH to subscribe first.", reply);
        Assert.Null(await _core.Store.GetAsync(Phone));
    }

    [Theory]
    [InlineData("STOP")]
    [InlineData(null)]
    public async Task An_opted_out_or_pending_number_is_told_to_join_first_and_its_preferences_stay(string? afterJoin)
    {
        if (afterJoin is null)
        {
            await _core.SendAsync("POST", RoutePaths.Consent, Json, $$"""{"phone":"{{Phone}}","consent":true}""");
        }
        else
        {
            await WriteAsync("JOIN");
            await WriteAsync(afterJoin);
        }

        var before = await _core.Store.GetAsync(Phone);
        var history = await _core.Store.GetHistoryAsync(Phone);

        var reply = await WriteAsync("TIME 7:30");

        Assert.Contains("Reply JOIN MITZVAH to subscribe first", reply, StringComparison.Ordinal);
        Assert.Equal(before!.Preferences, (await _core.Store.GetAsync(Phone))!.Preferences);
        Assert.Equal(history, await _core.Store.GetHistoryAsync(Phone));
    }

    [Fact]
    public async Task Status_shows_every_preference_and_the_next_message_and_keeps_the_date_of_joining()
    {
        await WriteAsync("JOIN");
        _core.Time.Advance(TimeSpan.FromDays(1));
        await WriteAsync("TIME 7:30");
        await WriteAsync("ISRAEL");
        await WriteAsync("PAUSE 3");

        var reply = await WriteAsync("status");

        Assert.Equal(
            "You're subscribed to Daily Mitzvah since 25 November 2026. Messages at 07:30 (America/Los_Angeles time), israel calendar, "
            + "paused, messages again from Sunday 29 November. Your next message: Sunday 29 November at 07:30 (America/Los_Angeles). Reply STOP to unsubscribe.",
            reply);
    }

    [Fact]
    public async Task Status_of_a_number_paused_until_resume_says_so()
    {
        await WriteAsync("JOIN");
        await WriteAsync("PAUSE");

        var reply = await WriteAsync("STATUS");

        Assert.Contains("paused until you send RESUME. No message comes until you send RESUME.", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_preference_keywords()
    {
        var reply = await WriteAsync("HELP");

        foreach (var keyword in new[] { "TIME 7:30", "ZONE London", "ISRAEL", "DIASPORA", "PAUSE", "PAUSE 7", "RESUME", "STATUS", "STOP", "JOIN MITZVAH" })
        {
            Assert.Contains(keyword, reply, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("TIME 19:00")]
    [InlineData("ZONE Asia/Tokyo")]
    [InlineData("ISRAEL")]
    [InlineData("PAUSE 7")]
    [InlineData("PAUSE")]
    [InlineData("RESUME")]
    [InlineData("TIME 7:10")]
    [InlineData("STATUS")]
    public async Task Keyword_replies_stay_short_enough_to_read_on_a_phone(string text)
    {
        await WriteAsync("JOIN");

        var reply = await WriteAsync(text);

        Assert.InRange(reply.Length, 20, 320);
    }

    [Fact]
    public async Task A_web_opt_in_with_choices_starts_a_new_number_with_them()
    {
        var response = await _core.SendAsync(
            "POST", RoutePaths.Consent, Json, $$"""{"phone":"{{Phone}}","consent":true,"timeZone":"Europe/Helsinki","sendTime":"07:45","calendar":"israel"}""");

        Assert.Equal(200, response.StatusCode);
        var subscriber = await _core.Store.GetAsync(Phone);
        Assert.Equal(ConsentStatus.Pending, subscriber!.Status);
        Assert.Equal(
            new DeliveryPreferences { TimeZone = "Europe/Helsinki", SendTime = new TimeOnly(7, 45), Calendar = FestivalCalendar.Israel },
            subscriber.Preferences);

        await WriteAsync("JOIN MITZVAH");
        Assert.Equal("Europe/Helsinki", (await _core.Store.GetAsync(Phone))!.Preferences.TimeZone);
    }

    [Fact]
    public async Task A_web_form_post_takes_the_same_choices_and_an_alias_zone_is_stored_as_its_canonical_id()
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, "phone=%2B14155552671&consent=on&timeZone=Asia%2FCalcutta&sendTime=6%3A15");

        Assert.Equal(200, response.StatusCode);
        var preferences = (await _core.Store.GetAsync(Phone))!.Preferences;
        Assert.Equal("Asia/Kolkata", preferences.TimeZone);
        Assert.Equal(new TimeOnly(6, 15), preferences.SendTime);
        Assert.Equal(FestivalCalendar.Diaspora, preferences.Calendar);
    }

    [Fact]
    public async Task A_web_opt_in_without_choices_takes_the_join_defaults()
    {
        await _core.SendAsync("POST", RoutePaths.Consent, Json, $$"""{"phone":"{{Israeli}}","consent":true}""");

        var preferences = (await _core.Store.GetAsync(Israeli))!.Preferences;
        Assert.Equal(new DeliveryPreferences { TimeZone = "Asia/Jerusalem", Calendar = FestivalCalendar.Israel }, preferences);
    }

    [Theory]
    [InlineData("\"timeZone\":\"Mars/Olympus\"", "timeZone")]
    [InlineData("\"timeZone\":\"europe/london\"", "timeZone")]
    [InlineData("\"sendTime\":\"07:10\"", "sendTime")]
    [InlineData("\"sendTime\":\"seven\"", "sendTime")]
    [InlineData("\"sendTime\":\"24:00\"", "sendTime")]
    [InlineData("\"calendar\":\"lunar\"", "calendar")]
    public async Task A_bad_web_choice_is_400_naming_the_field_and_writes_nothing(string field, string name)
    {
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Json, $$"""{"phone":"{{Phone}}","consent":true,{{field}}}""");

        Assert.Equal(400, response.StatusCode);
        using var json = JsonDocument.Parse(response.Body);
        Assert.Contains($"The {name} field", json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await _core.Store.GetAsync(Phone));
    }

    [Fact]
    public async Task A_web_opt_in_of_a_subscriber_keeps_its_preferences_and_says_so()
    {
        await WriteAsync("JOIN");
        await WriteAsync("TIME 7:30");
        var before = await _core.Store.GetAsync(Phone);

        var response = await _core.SendAsync(
            "POST", RoutePaths.Consent, Json, $$"""{"phone":"{{Phone}}","consent":true,"timeZone":"Europe/Helsinki","sendTime":"09:00"}""");

        Assert.Equal(200, response.StatusCode);
        Assert.Contains("keeps the delivery settings it already had", response.Body, StringComparison.Ordinal);
        Assert.Equal(before, await _core.Store.GetAsync(Phone));
    }

    [Fact]
    public async Task The_opt_in_config_offers_the_operators_send_time_and_zone_and_the_zones_to_choose_from()
    {
        var response = await _core.SendAsync("GET", RoutePaths.OptInConfig);

        using var json = JsonDocument.Parse(response.Body);
        Assert.Equal("10:00", json.RootElement.GetProperty("sendTime").GetString());
        Assert.Equal("America/Chicago", json.RootElement.GetProperty("timeZone").GetString());
        var zones = json.RootElement.GetProperty("timeZones").EnumerateArray().Select(zone => zone.GetString()).ToList();
        Assert.Contains("Asia/Jerusalem", zones);
        Assert.Contains("Europe/Helsinki", zones);
        Assert.Equal(zones.Order(StringComparer.Ordinal), zones);
    }

    private async Task<string> WriteAsync(string text, string from = Phone)
    {
        var id = $"IN-{++_messages}";
        var body = $"sender={Uri.EscapeDataString(from)}&text={Uri.EscapeDataString(text)}&id={id}";
        var response = await _core.SendAsync("POST", RoutePaths.Consent, Form, body, Signed);
        Assert.Equal(200, response.StatusCode);
        Assert.StartsWith("REPLY:", response.Body, StringComparison.Ordinal);
        return response.Body["REPLY:".Length..];
    }
}
