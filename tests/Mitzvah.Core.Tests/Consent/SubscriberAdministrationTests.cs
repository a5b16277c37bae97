using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;
using Mitzvah.Testing.InMemory;

namespace Mitzvah.Core.Tests.Consent;

public sealed class SubscriberAdministrationTests
{
    private const string Phone = "+14155552671";
    private const string Actor = "cli:operator";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);

    private readonly InMemorySubscriberStore _store = new();
    private readonly SubscriberAdministration _administration;

    public SubscriberAdministrationTests() => _administration = new SubscriberAdministration(_store, new FakeTimeProvider(Now), new TestPhoneTimeZones(), Options.Create(new ScheduleOptions()));

    [Fact]
    public async Task Subscribing_a_new_number_records_an_admin_change_with_the_actor_and_the_time()
    {
        var outcome = await _administration.SubscribeAsync(Phone, Actor);

        Assert.Equal(AdministrationOutcome.Changed, outcome);
        var entry = Assert.Single(await _store.GetHistoryAsync(Phone));
        Assert.Equal(ConsentStatus.OptedIn, entry.Status);
        Assert.Equal(ConsentSource.Admin, entry.Source);
        Assert.Equal(Actor, entry.Evidence.Actor);
        Assert.Null(entry.Evidence.Note);
        Assert.Equal(Now, entry.RecordedAt);
    }

    [Fact]
    public async Task A_new_number_starts_with_its_join_defaults()
    {
        await _administration.SubscribeAsync("+972501234567", Actor);
        await _administration.SubscribeAsync("+12125550123", Actor);

        Assert.Equal(
            new DeliveryPreferences { TimeZone = "Asia/Jerusalem", Calendar = FestivalCalendar.Israel },
            (await _store.GetAsync("+972501234567"))!.Preferences);

        // Of the several zones of a US number, the operator's (America/Chicago by default).
        Assert.Equal(
            new DeliveryPreferences { TimeZone = "America/Chicago", Calendar = FestivalCalendar.Diaspora },
            (await _store.GetAsync("+12125550123"))!.Preferences);
    }

    [Fact]
    public async Task The_operators_choices_replace_the_join_defaults_field_by_field_in_one_history_entry()
    {
        await _administration.SubscribeAsync("+972501234567", Actor, choices: new DeliveryPreferences { SendTime = new TimeOnly(7, 15) });

        Assert.Equal(
            new DeliveryPreferences { TimeZone = "Asia/Jerusalem", SendTime = new TimeOnly(7, 15), Calendar = FestivalCalendar.Israel },
            (await _store.GetAsync("+972501234567"))!.Preferences);
        Assert.Single(await _store.GetHistoryAsync("+972501234567"));
    }

    [Fact]
    public async Task A_number_on_record_keeps_its_preferences_when_subscribed_again()
    {
        await _administration.SubscribeAsync(Phone, Actor, choices: new DeliveryPreferences { TimeZone = "Europe/London" });
        await _administration.UnsubscribeAsync(Phone, Actor);

        await _administration.SubscribeAsync(Phone, Actor, choices: new DeliveryPreferences { TimeZone = "Asia/Tokyo" });

        Assert.Equal("Europe/London", (await _store.GetAsync(Phone))!.Preferences.TimeZone);
    }

    [Fact]
    public async Task Subscribing_twice_writes_once()
    {
        await _administration.SubscribeAsync(Phone, Actor);

        Assert.Equal(AdministrationOutcome.Unchanged, await _administration.SubscribeAsync(Phone, Actor));
        Assert.Single(await _store.GetHistoryAsync(Phone));
    }

    [Theory]
    [InlineData(ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword)]
    [InlineData(ConsentStatus.OptedOut, ConsentSource.WebForm)]
    [InlineData(ConsentStatus.OptedOut, ConsentSource.Delivery)]
    [InlineData(ConsentStatus.Invalid, ConsentSource.Delivery)]
    public async Task A_number_its_owner_unsubscribed_is_refused_without_force_and_nothing_is_written(ConsentStatus status, ConsentSource source)
    {
        await _store.RecordConsentAsync(new ConsentChange(Phone, status, source, new ConsentEvidence(Keyword: "STOP"), Now));

        var outcome = await _administration.SubscribeAsync(Phone, Actor);

        Assert.Equal(AdministrationOutcome.RefusedOptedOutByOwner, outcome);
        Assert.Equal(status, (await _store.GetAsync(Phone))!.Status);
        Assert.Single(await _store.GetHistoryAsync(Phone));
    }

    [Fact]
    public async Task Force_re_subscribes_a_number_its_owner_unsubscribed_and_says_so_in_the_evidence()
    {
        await _store.RecordConsentAsync(new ConsentChange(Phone, ConsentStatus.OptedOut, ConsentSource.WhatsAppKeyword, new ConsentEvidence(Keyword: "STOP"), Now));

        var outcome = await _administration.SubscribeAsync(Phone, Actor, force: true);

        Assert.Equal(AdministrationOutcome.Changed, outcome);
        var latest = (await _store.GetHistoryAsync(Phone))[^1];
        Assert.Equal(ConsentStatus.OptedIn, latest.Status);
        Assert.Equal(SubscriberAdministration.OverrideNote, latest.Evidence.Note);
    }

    [Fact]
    public async Task An_operators_own_removal_is_undone_without_force()
    {
        await _administration.SubscribeAsync(Phone, Actor);
        Assert.Equal(AdministrationOutcome.Changed, await _administration.UnsubscribeAsync(Phone, Actor));

        var outcome = await _administration.SubscribeAsync(Phone, Actor);

        Assert.Equal(AdministrationOutcome.Changed, outcome);
        Assert.Equal([ConsentStatus.OptedIn, ConsentStatus.OptedOut, ConsentStatus.OptedIn], (await _store.GetHistoryAsync(Phone)).Select(entry => entry.Status));
        Assert.All(await _store.GetHistoryAsync(Phone), entry => Assert.Null(entry.Evidence.Note));
    }

    [Fact]
    public async Task Unsubscribing_an_unknown_number_records_the_opt_out()
    {
        var outcome = await _administration.UnsubscribeAsync(Phone, Actor);

        Assert.Equal(AdministrationOutcome.Changed, outcome);
        Assert.Equal(ConsentStatus.OptedOut, (await _store.GetAsync(Phone))!.Status);
        Assert.Equal(AdministrationOutcome.Unchanged, await _administration.UnsubscribeAsync(Phone, Actor));
    }

    [Fact]
    public async Task Import_counts_each_number_once_and_skips_owners_opt_outs_unless_forced()
    {
        await _administration.SubscribeAsync("+14155552672", Actor);
        await _store.RecordConsentAsync(new ConsentChange("+14155552673", ConsentStatus.OptedOut, ConsentSource.WebForm, new ConsentEvidence(ConsentTextVersion: "v1"), Now));
        string[] phones = [Phone, "+14155552672", "+14155552673", Phone, "+14155552674"];

        var first = await _administration.ImportAsync(phones, Actor);

        Assert.Equal(new SubscriberImportResult { Subscribed = 2, AlreadySubscribed = 1, Refused = 1 }, first);
        Assert.Equal(4, first.Total);
        var skipped = (await _store.GetAsync("+14155552673"))!;
        Assert.Equal(ConsentStatus.OptedOut, skipped.Status);
        Assert.Equal(1, skipped.Version);

        var forced = await _administration.ImportAsync(phones, Actor, force: true);

        Assert.Equal(new SubscriberImportResult { Subscribed = 1, AlreadySubscribed = 3, Refused = 0 }, forced);
        Assert.Equal(ConsentStatus.OptedIn, (await _store.GetAsync("+14155552673"))!.Status);
    }

    [Fact]
    public async Task Import_checks_every_number_before_writing_any()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _administration.ImportAsync([Phone, "4155552672"], Actor));

        Assert.Null(await _store.GetAsync(Phone));
    }

    [Theory]
    [InlineData("4155552671", Actor)]
    [InlineData(Phone, " ")]
    public async Task A_malformed_phone_or_a_blank_actor_is_refused(string phone, string actor)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _administration.SubscribeAsync(phone, actor));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _administration.UnsubscribeAsync(phone, actor));
        Assert.Null(await _store.GetAsync(Phone));
    }
}
