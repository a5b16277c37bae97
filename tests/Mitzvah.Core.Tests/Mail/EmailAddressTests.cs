using Mitzvah.Core.Mail;

namespace Mitzvah.Core.Tests.Mail;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("reader@example.org")]
    [InlineData("first.last+mitzvah@mail.example.co.il")]
    [InlineData("x@a.io")]
    public void Plain_addresses_are_accepted(string address)
    {
        Assert.Null(EmailAddress.Problem(address));
        Assert.True(EmailAddress.IsValid(address));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("  ", "empty")]
    [InlineData("reader.example.org", "exactly one @")]
    [InlineData("@example.org", "exactly one @")]
    [InlineData("a@b@example.org", "exactly one @")]
    [InlineData("reader@localhost", "domain like example.org")]
    [InlineData("reader@example.", "domain like example.org")]
    [InlineData("reader@example..org", "domain like example.org")]
    [InlineData("read er@example.org", "spaces")]
    [InlineData("Reader <reader@example.org>", "spaces")]
    [InlineData("a@example.org,b@example.org", "characters")]
    public void Anything_else_gets_a_sentence_saying_why(string? address, string because)
    {
        var problem = EmailAddress.Problem(address);

        Assert.NotNull(problem);
        Assert.Contains(because, problem, StringComparison.Ordinal);
        Assert.False(EmailAddress.IsValid(address));
    }

    [Fact]
    public void Addresses_longer_than_smtp_allows_are_refused()
    {
        Assert.Contains("254", EmailAddress.Problem(new string('a', 250) + "@example.org"), StringComparison.Ordinal);
    }
}
