namespace Mitzvah.Twilio.Tests;

public sealed class LibPhoneNumberNormalizerTests
{
    private readonly LibPhoneNumberNormalizer _normalizer = new();

    [Theory]
    [InlineData("+14155552671", "+14155552671")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    [InlineData("(415) 555-2671", "+14155552671")]
    [InlineData("415.555.2671", "+14155552671")]
    [InlineData(" +1 212 555 0123 ", "+12125550123")]
    [InlineData("+972 2 123 4567", "+97221234567")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    public void Valid_numbers_become_e164(string input, string expected)
    {
        Assert.Equal(expected, _normalizer.Normalize(input));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("12345")]
    [InlineData("+1 123 456 7890")]
    [InlineData("not a phone")]
    [InlineData("+1415555267112345678901234567890123456789012345678901234567890123")]
    public void Anything_else_is_rejected(string? input)
    {
        Assert.Null(_normalizer.Normalize(input));
    }

    [Theory]
    [InlineData("+972501234567", "Asia/Jerusalem")]
    [InlineData("+442079460958", "Europe/London")]
    [InlineData("+447911123456", "Europe/London")]
    [InlineData("+14155552671", "America/Los_Angeles")]
    [InlineData("+13125550123", "America/Chicago")]
    [InlineData("+61291234567", "Australia/Sydney")]
    public void A_numbers_zones_come_from_its_country_and_area_code(string phone, string zone) =>
        Assert.Equal([zone], new LibPhoneNumberNormalizer().ZonesOf(phone));

    [Fact]
    public void A_number_its_area_code_does_not_place_has_several_zones_and_an_unplaceable_one_none()
    {
        var normalizer = new LibPhoneNumberNormalizer();

        var tollFree = normalizer.ZonesOf("+18005550123");
        var international = normalizer.ZonesOf("+8823123456789");

        Assert.True(tollFree.Count > 1, string.Join(", ", tollFree));
        Assert.Contains("America/Chicago", tollFree);
        Assert.Empty(international);
    }
}
