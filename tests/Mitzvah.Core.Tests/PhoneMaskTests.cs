namespace Mitzvah.Core.Tests;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+15551234567", "+1555***4567")]
    [InlineData("whatsapp:+15551234567", "+1555***4567")]
    [InlineData("+972501234567", "+9725***4567")]
    [InlineData("12345", "***")]
    [InlineData("", "(none)")]
    [InlineData(null, "(none)")]
    public void Masks_all_but_the_first_five_and_last_four_characters(string? phone, string expected)
    {
        Assert.Equal(expected, PhoneMask.Mask(phone));
    }
}
