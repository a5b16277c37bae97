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

    [Fact]
    public void A_send_time_with_seconds_is_rejected_naming_the_setting()
    {
        var result = _validator.Validate(null, new ScheduleOptions { SendTime = new TimeOnly(7, 30, 15) });

        Assert.True(result.Failed);
        Assert.Contains("MITZVAH_SEND_TIME", result.FailureMessage, StringComparison.Ordinal);
    }
}
