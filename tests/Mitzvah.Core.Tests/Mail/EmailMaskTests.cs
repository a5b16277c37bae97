using Mitzvah.Core.Mail;

namespace Mitzvah.Core.Tests.Mail;

public sealed class EmailMaskTests
{
    [Theory]
    [InlineData("david@example.org", "d***@example.org")]
    [InlineData("d@example.org", "d***@example.org")]
    [InlineData("first.last+tag@mail.example.co.il", "f***@mail.example.co.il")]
    [InlineData("no-at-sign", "***")]
    [InlineData("@example.org", "***")]
    [InlineData(null, "(none)")]
    [InlineData("", "(none)")]
    public void Keeps_the_first_letter_and_the_domain(string? address, string masked)
    {
        Assert.Equal(masked, EmailMask.Mask(address));
    }
}
