using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Calendar;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests.Consent;

public sealed class DeliveryPreferencesTests
{
    private static readonly ScheduleOptions Operator = new() { TimeZone = "Europe/London", SendTime = new TimeOnly(7, 0), InIsrael = true };

    [Fact]
    public void Unset_preferences_take_every_value_from_the_operator()
    {
        var effective = DeliveryPreferences.OperatorDefaults.Resolve(Operator);

        Assert.Equal(
            new EffectiveDeliveryPreferences { TimeZone = "Europe/London", SendTime = new TimeOnly(7, 0), Calendar = FestivalCalendar.Israel, PausedUntil = null },
            effective);
    }

    [Fact]
    public void Unset_preferences_under_an_operator_outside_Israel_use_the_diaspora_calendar()
    {
        var effective = new DeliveryPreferences().Resolve(new ScheduleOptions { InIsrael = false });

        Assert.Equal(FestivalCalendar.Diaspora, effective.Calendar);
        Assert.Equal("America/Chicago", effective.TimeZone);
        Assert.Equal(new TimeOnly(10, 0), effective.SendTime);
    }

    [Fact]
    public void Operator_settings_from_the_environment_are_what_a_subscriber_without_choices_gets()
    {
        using var services = new ServiceCollection()
            .AddMitzvahCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MITZVAH_TIME_ZONE"] = "Asia/Jerusalem",
                ["MITZVAH_IN_ISRAEL"] = "true",
            }).Build())
            .BuildServiceProvider();
        var schedule = services.GetRequiredService<IOptions<ScheduleOptions>>().Value;

        var effective = DeliveryPreferences.OperatorDefaults.Resolve(schedule);

        Assert.Equal("Asia/Jerusalem", effective.TimeZone);
        Assert.Equal(new TimeOnly(10, 0), effective.SendTime);
        Assert.Equal(FestivalCalendar.Israel, effective.Calendar);
    }

    [Fact]
    public void Each_choice_made_wins_over_the_operator_and_the_others_stay_defaults()
    {
        var zone = new DeliveryPreferences { TimeZone = "Asia/Tokyo" }.Resolve(Operator);
        var time = new DeliveryPreferences { SendTime = new TimeOnly(21, 45) }.Resolve(Operator);
        var calendar = new DeliveryPreferences { Calendar = FestivalCalendar.Diaspora }.Resolve(Operator);
        var paused = new DeliveryPreferences { PausedUntil = new DateOnly(2025, 4, 20) }.Resolve(Operator);

        var defaults = DeliveryPreferences.OperatorDefaults.Resolve(Operator);
        Assert.Equal(defaults with { TimeZone = "Asia/Tokyo" }, zone);
        Assert.Equal(defaults with { SendTime = new TimeOnly(21, 45) }, time);
        Assert.Equal(defaults with { Calendar = FestivalCalendar.Diaspora }, calendar);
        Assert.Equal(defaults with { PausedUntil = new DateOnly(2025, 4, 20) }, paused);
    }

    [Fact]
    public void A_pause_holds_the_dates_before_its_end_and_sending_resumes_on_it()
    {
        var effective = new DeliveryPreferences { PausedUntil = new DateOnly(2025, 4, 20) }.Resolve(Operator);

        Assert.True(effective.IsPausedOn(new DateOnly(2025, 1, 1)));
        Assert.True(effective.IsPausedOn(new DateOnly(2025, 4, 19)));
        Assert.False(effective.IsPausedOn(new DateOnly(2025, 4, 20)));
        Assert.False(effective.IsPausedOn(new DateOnly(2025, 4, 21)));
        Assert.False(DeliveryPreferences.OperatorDefaults.Resolve(Operator).IsPausedOn(new DateOnly(2025, 4, 19)));
    }

    [Fact]
    public void Resolve_requires_the_operators_schedule()
    {
        Assert.Throws<ArgumentNullException>(() => DeliveryPreferences.OperatorDefaults.Resolve(null!));
    }

    [Fact]
    public void Valid_choices_and_no_choices_pass_validation()
    {
        DeliveryPreferences.ThrowIfInvalid(DeliveryPreferences.OperatorDefaults, "preferences");
        DeliveryPreferences.ThrowIfInvalid(
            new DeliveryPreferences
            {
                TimeZone = "America/Argentina/Buenos_Aires",
                SendTime = new TimeOnly(23, 59),
                Calendar = FestivalCalendar.Israel,
                PausedUntil = DateOnly.MaxValue,
            },
            "preferences");
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Central Standard Time")]
    [InlineData("")]
    public void An_unknown_time_zone_is_rejected(string zone)
    {
        var error = Assert.Throws<ArgumentException>(() => DeliveryPreferences.ThrowIfInvalid(new DeliveryPreferences { TimeZone = zone }, "preferences"));

        Assert.Equal("preferences", error.ParamName);
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void A_send_time_finer_than_a_minute_is_rejected(int seconds, int milliseconds)
    {
        var time = new TimeOnly(7, 30, seconds, milliseconds);

        var error = Assert.Throws<ArgumentException>(() => DeliveryPreferences.ThrowIfInvalid(new DeliveryPreferences { SendTime = time }, "preferences"));

        Assert.Contains("whole minutes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_calendar_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => DeliveryPreferences.ThrowIfInvalid(new DeliveryPreferences { Calendar = (FestivalCalendar)7 }, "preferences"));
    }

    [Fact]
    public void Missing_preferences_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => DeliveryPreferences.ThrowIfInvalid(null, "preferences"));
    }
}
