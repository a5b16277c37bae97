using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Mitzvah.Core.Consent;

namespace Mitzvah.Core.Mail;

/// <summary>
/// Signs and verifies the tokens of confirmation and unsubscribe links, so that a link does exactly what it was mailed
/// for, to the address it was mailed to, with no login or cookie.
/// </summary>
/// <remarks>
/// A token is <c>base64url(payload).base64url(HMAC-SHA256(secret, payload))</c>, the payload
/// <c>v1|purpose|key|address|issued-unix-seconds</c>. Any change to it fails the signature; a confirmation token is
/// refused once <see cref="MailOptions.ConfirmationLifetime"/> has passed. Thread-safe.
/// </remarks>
public sealed class EmailLinkSigner
{
    private const string Version = "v1";
    private readonly byte[]? _secret;
    private readonly TimeSpan _confirmationLifetime;

    /// <summary>Creates the signer from <see cref="MailOptions.LinkSecret"/>; without one, <see cref="IsEnabled"/> is false.</summary>
    public EmailLinkSigner(IOptions<MailOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _secret = options.Value.LinkSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : null;
        _confirmationLifetime = options.Value.ConfirmationLifetime;
    }

    /// <summary>Whether a secret is set, so links can be signed.</summary>
    public bool IsEnabled => _secret is not null;

    /// <summary>A token for <paramref name="purpose"/> of <paramref name="address"/> of the subscriber keyed <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">No secret is set.</exception>
    public string Sign(EmailLinkPurpose purpose, string key, string address, DateTimeOffset issuedAt)
    {
        var payload = string.Join('|', Version, Name(purpose), key, address, issuedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        var bytes = Encoding.UTF8.GetBytes(payload);
        return Base64Url(bytes) + "." + Base64Url(Mac(bytes));
    }

    /// <summary>Verifies <paramref name="token"/> for <paramref name="purpose"/> at <paramref name="now"/>.</summary>
    /// <returns>The link, or a sentence saying why it is refused.</returns>
    public (EmailLink? Link, string? Problem, bool Expired) Verify(string? token, EmailLinkPurpose purpose, DateTimeOffset now)
    {
        const string broken = "This link is not valid: it may have been cut short or changed. Please use the link exactly as mailed.";
        if (_secret is null || string.IsNullOrWhiteSpace(token) || token.Length > 2048)
        {
            return (null, broken, false);
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryBase64Url(token[..dot], out var payload) || !TryBase64Url(token[(dot + 1)..], out var mac)
            || !CryptographicOperations.FixedTimeEquals(mac, Mac(payload)))
        {
            return (null, broken, false);
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 5 || parts[0] != Version || parts[1] != Name(purpose) || !AddressKey.IsValid(parts[2])
            || !EmailAddress.IsValid(parts[3])
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return (null, broken, false);
        }

        var issued = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (purpose == EmailLinkPurpose.Confirm && now - issued > _confirmationLifetime)
        {
            return (null, $"This confirmation link has expired: links last {_confirmationLifetime.TotalDays:0} days. Please subscribe again to get a new one.", true);
        }

        return (new EmailLink(parts[2], parts[3], issued), null, false);
    }

    private static string Name(EmailLinkPurpose purpose) => purpose == EmailLinkPurpose.Confirm ? "c" : "u";

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_secret ?? throw new InvalidOperationException($"{SettingNames.MailLinkSecret} is not set."), payload);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return false;
        }

        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        try
        {
            // Only the canonical spelling: base64 ignores a last character's unused bits, which would give one token many.
            bytes = Convert.FromBase64String(padded);
            return string.Equals(Base64Url(bytes), text, StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
