using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;
using Mitzvah.Core.Mail;

namespace Mitzvah.Core.Tests.Mail;

/// <summary>The signed tokens of confirmation and unsubscribe links.</summary>
public sealed class EmailLinkSignerTests
{
    private const string Address = "dina@example.org";
    private static readonly string Key = AddressKey.ForEmail(Address);
    private static readonly DateTimeOffset Issued = new(2026, 11, 25, 16, 0, 0, TimeSpan.Zero);
    private readonly EmailLinkSigner _signer = Signer(MailEndpoints.Secret);

    [Theory]
    [InlineData(EmailLinkPurpose.Confirm)]
    [InlineData(EmailLinkPurpose.Unsubscribe)]
    public void A_signed_token_verifies_to_its_key_address_and_time(EmailLinkPurpose purpose)
    {
        var token = _signer.Sign(purpose, "+15550000101", Address, Issued);

        var (link, problem, expired) = _signer.Verify(token, purpose, Issued.AddMinutes(5));

        Assert.Equal(new EmailLink("+15550000101", Address, Issued), link);
        Assert.Null(problem);
        Assert.False(expired);
        Assert.DoesNotContain(Address, token, StringComparison.Ordinal);
        Assert.All(token, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' needs escaping in a URL"));
    }

    [Fact]
    public void A_token_with_any_one_character_changed_is_refused()
    {
        var token = _signer.Sign(EmailLinkPurpose.Unsubscribe, Key, Address, Issued);

        for (var i = 0; i < token.Length; i++)
        {
            foreach (var replacement in new[] { 'A', 'B', 'f', '-', '_' })
            {
                if (token[i] == replacement)
                {
                    continue;
                }

                var changed = string.Concat(token.AsSpan(0, i), replacement.ToString(), token.AsSpan(i + 1));
                var (link, problem, expired) = _signer.Verify(changed, EmailLinkPurpose.Unsubscribe, Issued);
                Assert.True(link is null, $"changing character {i} of {token.Length} to '{replacement}' was accepted");
                Assert.Contains("not valid", problem, StringComparison.Ordinal);
                Assert.False(expired);
            }
        }
    }

    [Theory]
    [InlineData(EmailLinkPurpose.Confirm, EmailLinkPurpose.Unsubscribe)]
    [InlineData(EmailLinkPurpose.Unsubscribe, EmailLinkPurpose.Confirm)]
    public void A_token_for_the_other_purpose_is_refused(EmailLinkPurpose issuedFor, EmailLinkPurpose used)
    {
        var token = _signer.Sign(issuedFor, Key, Address, Issued);

        Assert.Null(_signer.Verify(token, used, Issued).Link);
    }

    [Fact]
    public void A_confirmation_token_lasts_seven_days_to_the_second()
    {
        var token = _signer.Sign(EmailLinkPurpose.Confirm, Key, Address, Issued);

        Assert.NotNull(_signer.Verify(token, EmailLinkPurpose.Confirm, Issued + TimeSpan.FromDays(7)).Link);
        var (link, problem, expired) = _signer.Verify(token, EmailLinkPurpose.Confirm, Issued + TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        Assert.Null(link);
        Assert.True(expired);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
        Assert.Contains("7 days", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsubscribe_token_does_not_expire()
    {
        var token = _signer.Sign(EmailLinkPurpose.Unsubscribe, Key, Address, Issued);

        var (link, _, expired) = _signer.Verify(token, EmailLinkPurpose.Unsubscribe, Issued.AddYears(5));

        Assert.Equal(Address, link?.Address);
        Assert.False(expired);
    }

    [Fact]
    public void A_token_signed_with_another_secret_is_refused()
    {
        var token = Signer(new string('x', 40)).Sign(EmailLinkPurpose.Unsubscribe, Key, Address, Issued);

        Assert.Null(_signer.Verify(token, EmailLinkPurpose.Unsubscribe, Issued).Link);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData(".")]
    [InlineData("abc.")]
    [InlineData(".abc")]
    [InlineData("a.b.c")]
    [InlineData("not base64!.c2ln")]
    [InlineData("djF8dXxtYWlsdG86ZGluYUBleGFtcGxlLm9yZ3xkaW5hQGV4YW1wbGUub3JnfDA.AAAA")]
    public void Garbage_is_refused_as_not_valid(string? token)
    {
        var (link, problem, expired) = _signer.Verify(token, EmailLinkPurpose.Unsubscribe, Issued);

        Assert.Null(link);
        Assert.Contains("not valid", problem, StringComparison.Ordinal);
        Assert.False(expired);
    }

    [Fact]
    public void An_overlong_token_is_refused_before_it_is_decoded()
    {
        var token = _signer.Sign(EmailLinkPurpose.Unsubscribe, Key, Address, Issued);

        Assert.Null(_signer.Verify(token + new string('A', 2048), EmailLinkPurpose.Unsubscribe, Issued).Link);
        Assert.Null(_signer.Verify(new string('A', 3000) + "." + new string('A', 43), EmailLinkPurpose.Unsubscribe, Issued).Link);
    }

    [Fact]
    public void Without_a_secret_nothing_is_signed_or_verified()
    {
        var signer = Signer(null);

        Assert.False(signer.IsEnabled);
        Assert.Throws<InvalidOperationException>(() => signer.Sign(EmailLinkPurpose.Confirm, Key, Address, Issued));
        Assert.Null(signer.Verify(_signer.Sign(EmailLinkPurpose.Confirm, Key, Address, Issued), EmailLinkPurpose.Confirm, Issued).Link);
    }

    private static EmailLinkSigner Signer(string? secret) => new(Options.Create(new MailOptions { LinkSecret = secret }));
}
