using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Sending;

namespace Mitzvah.Core.Tests.Sending;

public sealed class SendOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new SendOptionsValidator().Validate(null, new SendOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0, "MITZVAH_SEND_CONCURRENCY must be between 1 and 256")]
    [InlineData(257, "MITZVAH_SEND_CONCURRENCY must be between 1 and 256")]
    public void Concurrency_outside_1_to_256_is_refused_naming_the_setting(int concurrency, string message)
    {
        var result = new SendOptionsValidator().Validate(null, new SendOptions { Concurrency = concurrency });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lease_that_retries_could_outlast_is_refused()
    {
        var result = new SendOptionsValidator().Validate(null, new SendOptions { Lease = TimeSpan.FromMinutes(1), MaxAttempts = 4, MaxDelay = TimeSpan.FromSeconds(30) });

        Assert.True(result.Failed);
        Assert.Contains("Lease", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deadline_margin_no_longer_than_the_longest_back_off_is_refused()
    {
        var result = new SendOptionsValidator().Validate(null, new SendOptions { MaxDelay = TimeSpan.FromSeconds(30), DeadlineMargin = TimeSpan.FromSeconds(30) });

        Assert.True(result.Failed);
        Assert.Contains("DeadlineMargin", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_send_token_is_refused()
    {
        var result = new SendOptionsValidator().Validate(null, new SendOptions { SendToken = "short" });

        Assert.True(result.Failed);
        Assert.Contains("SEND_TOKEN must be at least 16 characters", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("32", 32)]
    [InlineData(" 8 ", 8)]
    [InlineData(null, 16)]
    public void Concurrency_is_read_from_its_setting(string? value, int expected)
    {
        Assert.Equal(expected, Bind(value).Concurrency);
    }

    [Fact]
    public void A_concurrency_that_is_not_a_number_names_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("lots"));

        Assert.Contains("MITZVAH_SEND_CONCURRENCY 'lots' is not a whole number.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1440)]
    public void A_window_margin_outside_0_to_1439_minutes_is_refused_naming_the_setting(int minutes)
    {
        var result = new SendOptionsValidator().Validate(null, new SendOptions { WindowMargin = TimeSpan.FromMinutes(minutes) });

        Assert.True(result.Failed);
        Assert.Contains("MITZVAH_WINDOW_MARGIN_MINUTES must be between 0 and 1439 minutes", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("90", 90)]
    [InlineData(null, 60)]
    public void The_window_margin_is_read_in_minutes_from_its_setting(string? value, int expectedMinutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(expectedMinutes), Bind(null, value).WindowMargin);
    }

    private static SendOptions Bind(string? concurrency, string? windowMarginMinutes = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [SettingNames.SendConcurrency] = concurrency,
                [SettingNames.WindowMarginMinutes] = windowMarginMinutes,
            })
            .Build();
        using var services = new ServiceCollection().AddMitzvahCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<SendOptions>>().Value;
    }
}
