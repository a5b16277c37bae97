namespace Mitzvah.Core.Mail;

/// <summary>Checks that a text is a plain email address (<c>local@domain.tld</c>), as a form or a setting gives it.</summary>
public static class EmailAddress
{
    /// <summary>
    /// A sentence saying what is wrong with <paramref name="address"/>, or <see langword="null"/> when it is a
    /// usable address: one <c>@</c>, a local part, a domain with a dot, no spaces or angle brackets, at most 254
    /// characters, none of <c>/ \ # ? ~</c> (which stores cannot hold in a key and real mailboxes do not use). Display
    /// names (<c>Name &lt;a@b.c&gt;</c>) are not addresses here.
    /// </summary>
    public static string? Problem(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return "The email address is empty.";
        }

        if (address.Length > 254)
        {
            return "The email address is longer than 254 characters.";
        }

        if (address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"' or '/' or '\\' or '#' or '?' or '~'))
        {
            return $"'{address}' contains spaces or characters an email address cannot hold.";
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || address.IndexOf('@', StringComparison.Ordinal) != at)
        {
            return $"'{address}' is not an email address: it needs exactly one @ with a name before it.";
        }

        var domain = address[(at + 1)..];
        if (!domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.') || domain.Contains("..", StringComparison.Ordinal))
        {
            return $"'{address}' is not an email address: the part after @ must be a domain like example.org.";
        }

        return null;
    }

    /// <summary>Whether <paramref name="address"/> passes <see cref="Problem"/>.</summary>
    public static bool IsValid(string? address) => Problem(address) is null;

    /// <summary>
    /// The stored form of an address: trimmed and lower-cased (invariant), so that one mailbox has one key. Mail
    /// servers treat the local part's case as equal in practice; nobody is told apart by it.
    /// </summary>
    public static string Normalize(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Trim().ToLowerInvariant();
    }
}
