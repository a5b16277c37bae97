namespace Mitzvah.Core.Tests;

public sealed class ScheduleOptionsValidatorTests
{
    private readonly ScheduleOptionsValidator _validator = new();

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(_validator.Validate(null, new ScheduleOptions()).Succeeded);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    [InlineData("Central Standard Time")]
    public void Unknown_time_zones_are_rejected_by_name(string zone)
    {
        var result = _validator.Validate(null, new ScheduleOptions { TimeZone = zone });

        Assert.True(result.Failed);
        Assert.Contains("TimeZone", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(24)]
    public void Hours_outside_the_day_are_rejected(int hour)
    {
        var result = _validator.Validate(null, new ScheduleOptions { SendHour = hour });

        Assert.True(result.Failed);
        Assert.Contains("SendHour", result.FailureMessage, StringComparison.Ordinal);
    }
}
