using Microsoft.Extensions.Options;

namespace Mitzvah.Aws.Tests;

public sealed class LambdaFunctionsTests
{
    [Theory]
    [InlineData("nightly", "MITZVAH_FUNCTION 'nightly' is not a function of this package; use consent or daily.")]
    [InlineData("  ", "MITZVAH_FUNCTION is required: consent or daily.")]
    public void An_unknown_or_blank_function_fails_the_cold_start_naming_the_setting(string value, string message)
    {
        var configuration = AwsStandIns.Configuration(new Dictionary<string, string?> { [LambdaFunctions.SettingName] = value });

        var error = Assert.Throws<OptionsValidationException>(() => LambdaFunctions.Create(configuration));

        Assert.Equal(LambdaFunctions.SettingName, error.OptionsName);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
