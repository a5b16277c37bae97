using System.Text.Json;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Delivery;
using Mitzvah.Core.Endpoints;
using Mitzvah.Core.Sending;
using Mitzvah.Core.Tests.Endpoints;
using Mitzvah.Testing.Contracts;

namespace Mitzvah.Core.Tests.Delivery;

/// <summary>Three consecutive send days that fail with "not on WhatsApp" or "unreachable" mark the number, through the status callbacks.</summary>
public sealed class UnreachableRuleTests : IDisposable
{
    private const string Form = "application/x-www-form-urlencoded";
    private static readonly KeyValuePair<string, string>[] Signed = [KeyValuePair.Create("X-Test-Signature", "good")];

    // Wednesday 25 November 2026 and the two send days before it (no rest day between Monday and Wednesday).
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateOnly Tuesday = new(2026, 11, 24);
    private static readonly DateOnly Wednesday = new(2026, 11, 25);
    private readonly CoreEndpoints _core = new();

    public void Dispose() => _core.Dispose();

    [Theory]
    [InlineData("63024")]
    [InlineData("63003")]
    public async Task The_third_consecutive_failed_send_day_marks_the_number_unreachable_not_opted_out(string code)
    {
        await SubscribeAsync();
        await FailAsync(Monday, code);
        await FailAsync(Tuesday, code);
        Assert.False((await _core.Store.GetAsync(TestPhones.Alice))?.IsUnreachable);

        var response = await FailAsync(Wednesday, code);

        Assert.Equal(200, response.StatusCode);
        var subscriber = await _core.Store.GetAsync(TestPhones.Alice);
        Assert.Equal(ConsentStatus.OptedIn, subscriber?.Status);
        Assert.Equal((_core.Time.GetUtcNow(), code), (subscriber?.UnreachableSince, subscriber?.UnreachableErrorCode));
        var entry = (await _core.Store.GetHistoryAsync(TestPhones.Alice))[^1];
        Assert.True(entry.IsDeliveryStateChange);
        Assert.Contains("2026-11-23, 2026-11-24, 2026-11-25", entry.Evidence.Note, StringComparison.Ordinal);
        Assert.Equal(0, await _core.Get<IRecipientSource>().CountAsync());
    }

    [Theory]
    [InlineData(DeliveryChannel.Both, false)]
    [InlineData(DeliveryChannel.Fallback, false)]
    [InlineData(DeliveryChannel.WhatsApp, true)]
    public async Task A_number_whose_mail_goes_on_beside_WhatsApp_is_not_marked_so_its_mail_keeps_coming(DeliveryChannel channel, bool marked)
    {
        await SubscribeAsync();
        var at = _core.Time.GetUtcNow().AddDays(-29);
        var evidence = new ConsentEvidence(IpAddress: "203.0.113.7");
        await _core.Store.ChangeEmailAsync(new EmailChange(TestPhones.Alice, EmailChangeKind.Link, "alice@example.org", ConsentSource.WebForm, evidence, at, DeliveryChannel.Both));
        await _core.Store.ChangeEmailAsync(new EmailChange(TestPhones.Alice, EmailChangeKind.Confirm, "alice@example.org", ConsentSource.WebForm, evidence, at));
        var current = await _core.Store.GetAsync(TestPhones.Alice);
        await _core.Store.SetPreferencesAsync(new PreferenceChange(TestPhones.Alice, current!.Preferences with { Channel = channel }, ConsentSource.Admin, new ConsentEvidence(Actor: "test"), at));

        foreach (var day in new[] { Monday, Tuesday, Wednesday })
        {
            await FailAsync(day, "63024");
        }

        var subscriber = await _core.Store.GetAsync(TestPhones.Alice);
        Assert.Equal(marked, subscriber?.IsUnreachable);
        Assert.Equal(marked ? 0 : 1, await _core.Get<IRecipientSource>().CountAsync());
    }

    [Fact]
    public async Task Rest_days_between_send_days_do_not_break_the_run()
    {
        // Thursday 19, Friday 20 (which carries Shabbat), Sunday 22 November 2026.
        await SubscribeAsync();
        await FailAsync(new DateOnly(2026, 11, 19), "63024");
        await FailAsync(new DateOnly(2026, 11, 20), "63024");

        await FailAsync(new DateOnly(2026, 11, 22), "63024");

        Assert.True((await _core.Store.GetAsync(TestPhones.Alice))?.IsUnreachable);
    }

    [Theory]
    [InlineData("delivered", null)]
    [InlineData("failed", "63016")]
    [InlineData("none", null)]
    public async Task A_day_that_did_not_fail_so_breaks_the_run(string tuesday, string? code)
    {
        await SubscribeAsync();
        await FailAsync(Monday, "63024");
        if (tuesday != "none")
        {
            await CallbackAsync(Tuesday, tuesday, code);
        }

        await FailAsync(Wednesday, "63024");

        Assert.False((await _core.Store.GetAsync(TestPhones.Alice))?.IsUnreachable);
    }

    [Fact]
    public async Task Other_errors_never_mark_and_a_repeat_changes_nothing()
    {
        await SubscribeAsync();
        await FailAsync(Monday, "63016");
        await FailAsync(Tuesday, "63016");
        await FailAsync(Wednesday, "63016");
        Assert.False((await _core.Store.GetAsync(TestPhones.Alice))?.IsUnreachable);

        var rule = _core.Get<UnreachableRule>();
        Assert.False(await rule.ApplyAsync(Wednesday, TestPhones.Alice, DeliveryStatus.Failed, "63016", _core.Time.GetUtcNow()));
        Assert.False(await rule.ApplyAsync(Wednesday, TestPhones.Alice, DeliveryStatus.Delivered, "63024", _core.Time.GetUtcNow()));
    }

    private Task<ConsentChangeResult> SubscribeAsync() =>
        _core.Store.RecordConsentAsync(ConsentChangeBuilder.OptIn(TestPhones.Alice).At(_core.Time.GetUtcNow().AddDays(-30)).Build());

    private Task<EndpointResponse> FailAsync(DateOnly day, string code) => CallbackAsync(day, "undelivered", code);

    private async Task<EndpointResponse> CallbackAsync(DateOnly day, string status, string? code)
    {
        var now = _core.Time.GetUtcNow();
        var id = $"MSG-{day:yyyyMMdd}";
        var claim = await _core.Ledger.TryClaimAsync(day, TestPhones.Alice, now, TimeSpan.FromMinutes(5));
        Assert.True(await _core.Ledger.MarkSentAsync(day, TestPhones.Alice, claim!.ClaimId, id, now));
        var body = $"id={id}&status={status}&to=%2B15550000101" + (code is null ? string.Empty : $"&error={code}");
        var response = await _core.SendAsync("POST", RoutePaths.Status, Form, body, Signed, query: $"date={day:yyyy-MM-dd}");
        Assert.True(JsonDocument.Parse(response.Body).RootElement.GetProperty("applied").GetBoolean(), response.Body);
        return response;
    }
}
