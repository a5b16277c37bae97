using System.Security.Cryptography;
using System.Text;

namespace Mitzvah.Testing.Consent;

/// <summary>
/// Signs a webhook the way Twilio does: HMAC-SHA1 with the auth token over the URL followed by every POST field's
/// name and value, sorted by name; Base64. Written from Twilio's documentation, independently of its SDK.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, Uri url, IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(url);
        var data = new StringBuilder(url.OriginalString);
        foreach (var (name, value) in form.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio's webhook signature is defined as HMAC-SHA1.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    public static string FormBody(IEnumerable<KeyValuePair<string, string>> form) =>
        string.Join('&', form.Select(pair => $"{Uri.EscapeDataString(pair.Key)}={Uri.EscapeDataString(pair.Value)}"));
}
