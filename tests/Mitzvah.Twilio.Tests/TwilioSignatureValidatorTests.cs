using Microsoft.Extensions.Options;
using Mitzvah.Testing.Consent;

namespace Mitzvah.Twilio.Tests;

public sealed class TwilioSignatureValidatorTests
{
    private const string Token = "12345";
    private static readonly Uri Url = new("https://mycompany.com/myapp.php?foo=1&bar=2");

    private static readonly Dictionary<string, string> Form = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+12349013030",
        ["Digits"] = "1234",
        ["From"] = "+12349013030",
        ["To"] = "+18005551212",
    };

    private static TwilioSignatureValidator Validator(string? token) => new(Options.Create(new TwilioOptions { AuthToken = token }));

    [Fact]
    public void A_signature_computed_from_the_documented_algorithm_is_accepted()
    {
        var signature = TwilioSignature.Compute(Token, Url, Form);

        Assert.True(Validator(Token).IsValid(Url, Form, signature));
    }

    [Fact]
    public void Wrong_token_changed_field_other_url_or_missing_signature_are_rejected()
    {
        var signature = TwilioSignature.Compute(Token, Url, Form);
        var changed = new Dictionary<string, string>(Form) { ["Digits"] = "9999" };

        Assert.False(Validator("other").IsValid(Url, Form, signature));
        Assert.False(Validator(Token).IsValid(Url, changed, signature));
        Assert.False(Validator(Token).IsValid(new Uri("https://evil.example/myapp.php?foo=1&bar=2"), Form, signature));
        Assert.False(Validator(Token).IsValid(Url, Form, null));
        Assert.False(Validator(Token).IsValid(Url, Form, string.Empty));
    }

    [Fact]
    public void Without_a_token_nothing_is_valid_and_it_says_so()
    {
        var validator = Validator(null);

        Assert.False(validator.IsConfigured);
        Assert.False(validator.IsValid(Url, Form, TwilioSignature.Compute(Token, Url, Form)));
    }
}
