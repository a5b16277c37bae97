using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Tests;

public sealed class E164Tests
{
    [Theory]
    [InlineData("+14155552671")]
    [InlineData("+972501234567")]
    [InlineData("+1234567")]
    [InlineData("+123456789012345")]
    public void E164_numbers_are_accepted(string phone)
    {
        Assert.True(E164.IsValid(phone));
        E164.ThrowIfInvalid(phone, nameof(phone));
    }

    [Theory]
    [InlineData("14155552671")]
    [InlineData("+04155552671")]
    [InlineData("+123456")]
    [InlineData("+1234567890123456")]
    [InlineData("+1 415 555 2671")]
    [InlineData("+14155552671\n")]
    [InlineData("+١٤١٥٥٥٥٢٦٧١")]
    [InlineData("whatsapp:+14155552671")]
    [InlineData("")]
    public void Anything_else_is_rejected(string phone)
    {
        Assert.False(E164.IsValid(phone));
        Assert.Throws<ArgumentException>(() => E164.ThrowIfInvalid(phone, nameof(phone)));
    }

    [Fact]
    public void Null_is_rejected_as_null()
    {
        Assert.Throws<ArgumentNullException>(() => E164.ThrowIfInvalid(null, "phone"));
    }
}
